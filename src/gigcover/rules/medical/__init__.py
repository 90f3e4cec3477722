"""Medical insurance (医疗保险): parameters/medical, tests/rules/medical."""

from gigcover.rules.medical import contributions, inpatient
from gigcover.rules.medical.contributions import MedicalAccount
from gigcover.rules.medical.inpatient import TREATMENT_PLACES, MedicalScheme, TreatmentPlace

__all__ = ["TREATMENT_PLACES", "MedicalAccount", "MedicalScheme", "TreatmentPlace", "contributions", "inpatient"]

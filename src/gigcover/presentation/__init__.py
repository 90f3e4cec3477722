"""How the advice reads, for every surface that shows it to a person: the words in Chinese and English (text.py) and
the formatting of the advisor's codes and numbers (view.py). The web page (gigcover.web) and the command line
(gigcover.cli) both import this, so a plan item's cost, reason, next steps, data gaps, cheaper routes and what-ifs
read the same on both."""

# Thin aliases for dev.py, which needs only Python: `python3 dev.py --help`.
.PHONY: setup serve build test lint check bench
setup serve build test lint check bench:
	python3 dev.py $@

# Every target runs inside the active virtualenv (see README). CI calls `make test`.
.PHONY: test lint typecheck pytest bench train evaluate format docs

test: lint typecheck pytest

lint:
	ruff check .
	ruff format --check .

format:
	ruff check --fix .
	ruff format .

typecheck:
	mypy

pytest:
	pytest -q

bench:
	python benchmarks/bench_cycle.py
	python benchmarks/bench_scoring.py
	python benchmarks/bench_delivery.py
	python benchmarks/bench_hostile.py

train:
	warn train

evaluate:
	warn evaluate

docs:
	python -c "import re,pathlib;from warn.config import config_reference as r;p=pathlib.Path('docs/configuration.md');s=p.read_text();p.write_text(re.sub(r'(?s)(<!-- reference:start -->\n).*(<!-- reference:end -->)',lambda m:m.group(1)+r()+'\n'+m.group(2),s))"

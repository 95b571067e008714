"""Input generators (样例与基准数据生成): the shipped sample (`sample.py`) and the national-scale benchmark inputs
(`national.py`), built with the shared pieces of `builders.py`. Not part of the Dagster code location."""

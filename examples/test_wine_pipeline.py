"""Test the wine pipeline on a small sample: its `load` step is mocked, everything else runs.

cd examples && python -m pytest test_wine_pipeline.py
"""

from pathlib import Path

from sklearn.datasets import load_wine

from runnable_jupyter import run_pipeline

HERE = Path(__file__).resolve().parent


def test_the_pipeline_runs_on_a_sample_of_the_data(tmp_path: Path) -> None:
    # What `load` would put in the catalog, as files: `wine.parquet` stands in for
    # catalog.put("wine", frame), `target_names.json` for catalog.put("target_names", [...]).
    sample = HERE / "wine_sample"  # a mock must be inside the workspace (here: this folder)
    sample.mkdir(exist_ok=True)
    bunch = load_wine(as_frame=True)
    wine = bunch.frame.rename(columns={"od280/od315_of_diluted_wines": "od280_od315"})
    wine.groupby("target").head(20).to_parquet(sample / "wine.parquet")
    (sample / "target_names.json").write_text('["class_0", "class_1", "class_2"]')

    result = run_pipeline(HERE / "wine.pipeline.json", mocks={"load": sample}, root=HERE)

    assert result.status == "succeeded", result.errors()
    assert result.steps["load"].status == "mocked"
    assert result.get("summary")["best_model"] in {"logreg", "forest"}

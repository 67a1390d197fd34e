"""Shared fixtures for the CLI-level Python tests: a real WordNet dataset built once per session."""
import pytest

from lever_cli import run_lever


@pytest.fixture(scope="session")
def wordnet_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("wordnet")
    run_lever("data", "wordnet", "--out", out)
    return out

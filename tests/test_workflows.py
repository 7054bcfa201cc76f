"""The GitHub Actions workflows: actionlint finds nothing in them, and the one that publishes the
book builds and tests it as the README says, on the system .ci/run sets up, and deploys it to
GitHub Pages with GitHub's own actions, each pinned to a release's commit. The fast tier."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
PUBLISH = WORKFLOWS / "publish.yml"
#: GitHub's official actions that publish a site on GitHub Pages.
PAGES_ACTIONS = {"actions/checkout", "actions/configure-pages", "actions/upload-pages-artifact",
                 "actions/deploy-pages"}
#: ``uses: owner/name@<commit> # v<release>``: a full commit, with the release it is.
PINNED = re.compile(r"^\s*(?:-\s*)?uses:\s*([\w.-]+/[\w./-]+)@([0-9a-f]{40})\s+#\s*v\d+\.\d+\.\d+\s*$")


def actionlint() -> str:
    local = ROOT / ".venv-tools" / "bin" / "actionlint"
    tool = os.environ.get("KURSK_ACTIONLINT") or (str(local) if local.exists() else shutil.which("actionlint"))
    assert tool, "actionlint is installed by `make check` and `make test` into .venv-tools (KURSK_ACTIONLINT names it)"
    return tool


def lint(*files: Path) -> subprocess.CompletedProcess:
    return subprocess.run([actionlint(), "-no-color", *map(str, files)], cwd=ROOT, capture_output=True, text=True)


def workflow_files() -> list[Path]:
    return sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in workflow:  # YAML 1.1 reads the key `on` as true
        workflow["on"] = workflow.pop(True)
    return workflow


def test_actionlint_finds_nothing_in_any_workflow():
    assert PUBLISH in workflow_files()
    result = lint(*workflow_files())
    assert result.returncode == 0, f"actionlint:\n{result.stdout}{result.stderr}"


def test_actionlint_finds_a_broken_workflow(tmp_path):
    """The check above can fail: a workflow whose deploy job needs a job that does not exist and
    reads an output of a step that does not exist."""
    broken = PUBLISH.read_text(encoding="utf-8").replace("needs: build", "needs: biuld").replace(
        "steps.deployment.outputs.page_url", "steps.nowhere.outputs.page_url")
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "publish.yml").write_text(broken, encoding="utf-8")
    result = lint(folder / "publish.yml")
    assert result.returncode != 0
    assert "biuld" in result.stdout and "nowhere" in result.stdout, result.stdout


def test_the_book_is_built_and_tested_as_the_readme_says():
    """`make book` and `make test`, after the system packages that .ci/run installs: the job runs
    .ci/run itself (which installs them, then runs `make test`), on the Debian release and the
    Python of this project's machines."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^make book\b", readme, re.M) and re.search(r"^make test\b", readme, re.M)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"apt-get install .*\"\$\{need\[@\]\}\"", ci) and re.search(r"^make test$", ci, re.M)
    build = load(PUBLISH)["jobs"]["build"]
    runs = [step["run"].strip() for step in build["steps"] if "run" in step]
    assert runs == ["bash .ci/run", "make book"]
    assert build["container"].startswith("python:3.11") and build["container"].endswith("-bookworm")


def test_the_container_matches_this_machine():
    """Debian 12 and the Python minor version of the machines the project is developed on (the
    container's tag names the patch release too)."""
    import sys

    os_release = Path("/etc/os-release")
    if not os_release.exists() or "VERSION_CODENAME=bookworm" not in os_release.read_text():
        pytest.skip("not a Debian 12 machine")
    image = load(PUBLISH)["jobs"]["build"]["container"]
    assert image.startswith(f"python:{sys.version_info.major}.{sys.version_info.minor}.")


def test_every_action_is_pinned_to_a_release_commit():
    for path in workflow_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.match(r"^\s*(?:-\s*)?uses:", line):
                assert PINNED.match(line), f"{path.name}: not pinned to a commit with its release: {line.strip()}"
    uses = {PINNED.match(line).group(1) for line in PUBLISH.read_text(encoding="utf-8").splitlines()
            if PINNED.match(line)}
    assert uses == PAGES_ACTIONS


def test_it_deploys_to_github_pages_from_main_and_releases_only():
    workflow = load(PUBLISH)
    assert workflow["on"] == {"push": {"branches": ["main"]}, "release": {"types": ["published"]},
                              "workflow_dispatch": None}
    assert workflow["concurrency"]["group"] == "pages"
    assert workflow["permissions"] == {"contents": "read"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    (upload,) = [s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert upload["with"] == {"path": "_build/html"}
    assert deploy["needs"] == "build"
    assert deploy["if"] == "github.ref == 'refs/heads/main' || github.event_name == 'release'"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write", "contents": "read"}
    assert deploy["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    steps = [s.get("uses", "").split("@")[0] for s in deploy["steps"]]
    assert steps == ["actions/configure-pages", "actions/deploy-pages"]
    assert deploy["steps"][-1]["id"] == "deployment"

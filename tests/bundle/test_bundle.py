"""The built app bundle works with no Python beside it: `bash packaging/build.sh` once per session
(reused while its inputs are unchanged), then the bundled `familyworker` runs offscreen with a
clean environment: --version, init, import-demo, print-plan (the PDF checked), the app's first
window, and the demo with its local sync server.

A build that cannot happen (no PyInstaller to be had, a broken spec) fails these tests: it is
never a skip."""

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pypdfium2 as pdfium
import pytest

pytestmark = [pytest.mark.bundle, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
BUNDLE = DIST / "FamilyWorker"
STAMP = BUNDLE / ".inputs-sha256"  # what the bundle was built from; a match means reuse it
INPUTS = ("src", "sync", "resources", "ui", "packaging", "pyproject.toml")
PASSPHRASE = "a long bundle test passphrase"
VERSION = version("familyworker")


@dataclass(frozen=True)
class Bundle:
    folder: Path
    executable: Path
    tarball: Path | None


def inputs_digest() -> str:
    """The bundle's sources and the build's tools, hashed: paths and contents."""
    try:
        pyinstaller = version("pyinstaller")
    except PackageNotFoundError:  # not installed yet: build.sh installs it
        pyinstaller = "none"
    digest = hashlib.sha256(f"{sys.version}|{pyinstaller}".encode())
    for name in INPUTS:
        top = ROOT / name
        files = [top] if top.is_file() else sorted(
            p for p in top.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            and not any(part.endswith(".egg-info") for part in p.parts))
        for path in files:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def executable_in(folder: Path) -> Path:
    return folder / ("familyworker-cli.exe" if sys.platform == "win32" else "familyworker")


def tarball_path() -> Path | None:
    if not sys.platform.startswith("linux"):
        return None
    return DIST / f"FamilyWorker-{VERSION}-linux-{platform.machine()}.tar.gz"


@pytest.fixture(scope="session")
def bundle() -> Bundle:
    tarball = tarball_path()
    built = STAMP.is_file() and STAMP.read_text() == inputs_digest() \
        and executable_in(BUNDLE).is_file() and (tarball is None or tarball.is_file())
    if not built:
        started = time.perf_counter()
        done = subprocess.run(["bash", str(ROOT / "packaging" / "build.sh")], cwd=ROOT,
                              capture_output=True, text=True, timeout=840, check=False)
        if done.returncode != 0:  # also when PyInstaller could not be installed
            pytest.fail("packaging/build.sh failed:\n" + (done.stdout + done.stderr)[-4000:])
        STAMP.write_text(inputs_digest())
        # Shown with -rA or -s; the figures for the record come from benchmarks/bundle_bench.py.
        print(f"bundle built in {time.perf_counter() - started:.0f} s")
    return Bundle(BUNDLE, executable_in(BUNDLE), tarball)


def clean_environment(home: Path) -> dict[str, str]:
    """What a worker's session gives the app: no PYTHONPATH, no venv on PATH, no project
    settings; Qt draws offscreen."""
    env = {"HOME": str(home), "PATH": os.pathsep.join(["/usr/bin", "/bin"]),
           "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen",
           # Not this machine's organisation settings, if it has any.
           "FAMILYWORKER_ORGANISATION_FILE": str(home / "no-organisation.json")}
    for name in ("SYSTEMROOT", "TEMP", "TMP"):  # Windows needs these to start anything
        if name in os.environ:
            env[name] = os.environ[name]
    return env


@dataclass
class Runner:
    bundle: Bundle
    home: Path

    def __call__(self, *args: str, stdin: str = "", extra_env: dict[str, str] | None = None,
                 ) -> subprocess.CompletedProcess[str]:
        env = clean_environment(self.home) | (extra_env or {})
        return subprocess.run([str(self.bundle.executable), *args], input=stdin, env=env,
                              cwd=self.home, capture_output=True, text=True, timeout=300,
                              check=False)


@pytest.fixture(scope="module")
def run(bundle: Bundle, tmp_path_factory: pytest.TempPathFactory) -> Runner:
    return Runner(bundle, tmp_path_factory.mktemp("bundle-home"))


@pytest.fixture(scope="module")
def demo_caseload(run: Runner) -> Iterator[Path]:
    data_dir = run.home / "caseload"
    options = ("--data-dir", str(data_dir), "--passphrase-stdin")
    created = run("init", *options, stdin=PASSPHRASE + "\n")
    assert created.returncode == 0, created.stderr
    loaded = run("import-demo", *options, stdin=PASSPHRASE + "\n")
    assert loaded.returncode == 0, loaded.stderr
    assert "36 families" in loaded.stdout
    yield data_dir


def test_bundle_reports_its_version(run: Runner) -> None:
    done = run("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"familyworker {VERSION}"


def test_bundled_sqlcipher_encrypts_the_caseload(demo_caseload: Path) -> None:
    header = (demo_caseload / "caseload.db").read_bytes()[:16]
    assert header and header != b"SQLite format 3\x00"  # not a plain SQLite file


def test_bundle_prints_a_demo_familys_plan_on_a_page(run: Runner, demo_caseload: Path) -> None:
    options = ("--data-dir", str(demo_caseload), "--passphrase-stdin")
    listed = run("list-families", "--json", *options, stdin=PASSPHRASE + "\n")
    assert listed.returncode == 0, listed.stderr
    family = json.loads(listed.stdout)[0]
    out = run.home / "plan.pdf"
    printed = run("print-plan", family["reference"], "--out", str(out), *options,
                  stdin=PASSPHRASE + "\n")
    assert printed.returncode == 0, printed.stderr
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    pdf = pdfium.PdfDocument(data)
    try:
        assert len(pdf) == 1  # the plan on a page is one A4 sheet
        text = pdf[0].get_textpage().get_text_range()
    finally:
        pdf.close()
    assert "Our family plan" in text  # the plan's heading
    assert family["reference"] in text
    assert family["household_name"] in text


def test_a_wrong_passphrase_is_refused_in_a_sentence(run: Runner, demo_caseload: Path) -> None:
    done = run("list-families", "--data-dir", str(demo_caseload), "--passphrase-stdin",
               stdin="not the passphrase\n")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stderr.strip()
    # Undo the failure count so the other tests' unlocks wait for nothing.
    (demo_caseload / "unlock-attempts.json").unlink(missing_ok=True)


def test_bundled_app_opens_its_unlock_window(run: Runner, demo_caseload: Path) -> None:
    done = run("--data-dir", str(demo_caseload),
               extra_env={"FAMILYWORKER_EXIT_WHEN_READY": "1"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "FamilyWorker ready: Unlock FamilyWorker"


def test_bundled_demo_runs_its_own_sync_server(run: Runner) -> None:
    folder = run.home / "demo"
    done = run("demo", "--no-gui", "--data-dir", str(folder))
    assert done.returncode == 0, done.stderr
    assert "Demo caseload ready" in done.stdout
    assert (folder / "server").is_dir() and (folder / "worker-caseload" / "caseload.db").is_file()


def test_bundle_carries_its_libraries_plugins_and_resources(bundle: Bundle) -> None:
    internal = bundle.folder / "_internal"
    assert list((internal / "sqlcipher3").glob("_sqlite3*"))
    platforms = {p.name for p in (internal / "PySide6" / "Qt" / "plugins" / "platforms").iterdir()}
    if sys.platform.startswith("linux"):
        assert {"libqoffscreen.so", "libqxcb.so"} <= platforms
    assert list((internal / "PySide6" / "Qt" / "plugins" / "imageformats").glob("*qsvg*"))
    assert list((internal / "resources" / "fonts").glob("*.ttf"))
    assert (internal / "ui" / "style.qss").is_file()
    assert (internal / "resources" / "icons" / "hicolor" / "scalable" / "apps").is_dir()
    assert list((internal / "familyworker" / "store" / "migrations").glob("*.sql"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 is Linux's")
def test_x11_platform_plugin_has_every_library_it_needs(bundle: Bundle) -> None:
    """A laptop may lack the xcb utility libraries Qt 6.5+ needs on X11 (libxcb-cursor0 most
    often): the bundle carries them. build.sh installs them on the build machine when root."""
    internal = bundle.folder / "_internal"
    carried = {"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
    assert carried <= {p.name for p in internal.iterdir()}, \
        "build the bundle where libxcb-cursor0, libxcb-icccm4 and libxcb-keysyms1 are installed"
    plugin = internal / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    # The bootloader puts _internal on LD_LIBRARY_PATH; ldd resolves the same way.
    done = subprocess.run(["ldd", str(plugin)], env={"LD_LIBRARY_PATH": str(internal)},
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stdout.splitlines() if "not found" in line] == []


@pytest.fixture
def x_display() -> Iterator[str]:
    """A private X server (Xvfb); it names its display on a pipe once it accepts clients."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (tools/setup.sh installs it when run as root)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen([xvfb, "-displayfd", str(write_end), "-screen", "0",
                               "1280x800x24", "-nolisten", "tcp"], pass_fds=(write_end,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    try:
        with os.fdopen(read_end) as announced:
            number = announced.readline().strip()
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 is Linux's")
def test_bundled_app_opens_its_window_on_x11(
        run: Runner, demo_caseload: Path, x_display: str) -> None:
    done = run("--data-dir", str(demo_caseload), extra_env={
        "QT_QPA_PLATFORM": "xcb", "DISPLAY": x_display, "FAMILYWORKER_EXIT_WHEN_READY": "1"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "FamilyWorker ready: Unlock FamilyWorker"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the tarball is Linux's")
def test_linux_tarball_holds_the_bundle_and_its_desktop_integration(bundle: Bundle) -> None:
    assert bundle.tarball is not None
    with tarfile.open(bundle.tarball) as archive:
        names = set(archive.getnames())
        owners = {(m.uid, m.gid) for m in archive.getmembers()}
    app_id = "org.familyworker.FamilyWorker"
    assert {"FamilyWorker/familyworker", "FamilyWorker/install.sh",
            f"FamilyWorker/share/applications/{app_id}.desktop",
            f"FamilyWorker/share/metainfo/{app_id}.metainfo.xml",
            f"FamilyWorker/share/icons/hicolor/256x256/apps/{app_id}.png"} <= names
    assert owners == {(0, 0)}  # nothing of the build machine's accounts


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="install.sh is Linux's")
def test_linux_install_script_installs_and_removes_the_app(
        bundle: Bundle, tmp_path: Path) -> None:
    stage = tmp_path / "root"  # DESTDIR: the same layout as a real install, without root
    env = {"PATH": os.pathsep.join(["/usr/bin", "/bin"]), "DESTDIR": str(stage)}
    installer = bundle.folder / "install.sh"
    done = subprocess.run(["sh", str(installer)], env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    app_id = "org.familyworker.FamilyWorker"
    installed = stage / "opt" / "FamilyWorker"
    link = stage / "usr" / "local" / "bin" / "familyworker"
    share = stage / "usr" / "local" / "share"
    assert os.readlink(link) == "/opt/FamilyWorker/familyworker"  # where it lives once installed
    assert (share / "applications" / f"{app_id}.desktop").is_file()
    assert (share / "metainfo" / f"{app_id}.metainfo.xml").is_file()
    assert (share / "icons" / "hicolor" / "48x48" / "apps" / f"{app_id}.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{app_id}.svg").is_file()
    copied = subprocess.run([str(installed / "familyworker"), "--version"],
                            env=clean_environment(tmp_path), capture_output=True, text=True,
                            timeout=300, check=False)
    assert copied.stdout.strip() == f"familyworker {VERSION}", copied.stderr

    done = subprocess.run(["sh", str(installer), "--uninstall"], env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert not installed.exists() and not os.path.lexists(link)
    assert not list(share.rglob(f"{app_id}.*"))


"""test_nianbao.py — the Python binding against the build tree's library and command.

Run by ctest as `python.binding` (tests/CMakeLists.txt), with NIANBAO_LIBRARY set to the
build's libnianbao.so.0, NIANBAO_BIN to its `nianbao` and NIANBAO_SRCDIR to the source
folder.  What it holds the binding to:
  - a render gives the very bytes `nianbao render` writes for the same data and date, for
    the seed (2019 edition) and the 2021 sample, and those bytes are a PDF whose text
    pdftotext reads back;
  - the findings of check() (and the findings render() returns) equal
    `nianbao check --format json`, also with last year's report (--previous);
  - failures raise nianbao.Error with the library's message and code: malformed JSON
    (line and column), a report the checker rejects (CheckError with its findings; force
    renders it anyway), an unknown font role, a font file that does not exist;
  - one warm engine rendering 20 times gives 20 identical PDFs, and the module-level
    render() keeps one engine;
  - the date argument: an int, a date and SOURCE_DATE_EPOCH give the same bytes as the
    command with that SOURCE_DATE_EPOCH.
"""

import datetime
import json
import os
import shutil
import subprocess

import pytest

import nianbao

SRCDIR = os.environ.get("NIANBAO_SRCDIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NIANBAO_BIN = os.environ.get("NIANBAO_BIN") or os.path.join(SRCDIR, "build", "nianbao")
SEED = "samples/baofeng-2020.json"
S2021 = "samples/county-bureau-2021.json"
EPOCH = 1700000000  # 2023-11-14 22:13:20 UTC


def read(rel):
    with open(os.path.join(SRCDIR, rel), "rb") as f:
        return f.read()


def cli(*args, epoch=EPOCH, check=True):
    """Runs the build tree's command in the source folder (paths as given)."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch))
    env.pop("NIANBAO_DATADIR", None)
    p = subprocess.run([NIANBAO_BIN, *args], cwd=SRCDIR, env=env, capture_output=True)
    if check and p.returncode not in (0, 1):
        raise AssertionError("nianbao %s: exit %d: %s" % (" ".join(args), p.returncode,
                                                          p.stderr.decode()))
    return p


def cli_pdf(rel, tmp_path, epoch=EPOCH):
    out = tmp_path / (os.path.basename(rel) + ".cli.pdf")
    p = cli("render", rel, "-o", str(out), "-q", epoch=epoch)
    assert p.returncode == 0, p.stderr.decode()
    return out.read_bytes()


@pytest.fixture(scope="module")
def engine():
    with nianbao.Engine(datadir=SRCDIR) as e:
        yield e


def test_library_is_the_build_trees():
    path = nianbao.library_path()
    if os.environ.get("NIANBAO_LIBRARY"):
        assert os.path.samefile(path, os.environ["NIANBAO_LIBRARY"])
    assert nianbao.version().count(".") == 2


@pytest.mark.parametrize("rel", [SEED, S2021])
def test_render_same_bytes_as_command(engine, rel, tmp_path):
    pdf, findings = engine.render(read(rel), date=EPOCH, name=rel)
    assert pdf.startswith(b"%PDF-1.") and pdf.rstrip().endswith(b"%%EOF")
    assert pdf == cli_pdf(rel, tmp_path)
    assert findings["errors"] == 0
    assert findings == json.loads(cli("check", rel, "--format", "json").stdout)
    assert engine.last_run["pages"] >= 2
    assert engine.last_run["times"]["total"] > 0


def test_rendered_text_reads_back(engine, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext (poppler-utils) is not installed")
    pdf, _ = engine.render(read(SEED), date=EPOCH)
    f = tmp_path / "seed.pdf"
    f.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(f), "-"], capture_output=True,
                          check=True).stdout.decode()
    assert "政府信息公开工作年度报告" in text.replace(" ", "")
    assert "宝峰镇" in text


@pytest.mark.parametrize("rel", [SEED, S2021, "tests/data/check/row-total.json",
                                 "tests/data/check/unknown-key.json",
                                 "tests/data/check/date-before-period.json"])
def test_check_equals_command_json(engine, rel):
    want = json.loads(cli("check", rel, "--format", "json").stdout)
    got = engine.check(read(rel), name=rel)
    assert got == want
    assert isinstance(got["findings"], list)


def test_check_with_previous_equals_command(engine):
    for data, prev in (("samples/pair-2022.json", "samples/pair-2021.json"),
                       ("tests/data/check/carry-over-mismatch.json", "samples/pair-2021.json")):
        want = json.loads(cli("check", data, "--previous", prev, "--format", "json").stdout)
        got = engine.check(read(data), previous=read(prev), name=data,
                           previous_name="last year's report (--previous): " + prev)
        assert got == want
    assert got["errors"] >= 1  # the carry-over mismatch
    # previous= holds for that call only: without it the cross-year rule is silent.
    assert engine.check(read(data), name=data)["errors"] < got["errors"]


def test_malformed_json_raises_error_with_place(engine):
    with pytest.raises(nianbao.Error) as ei:
        engine.render(b'{"edition": "2019",\n  "year": 2020,,}', name="broken.json")
    e = ei.value
    assert e.code == nianbao.ERR_INPUT
    assert "broken.json" in e.message and "2:" in e.message
    assert not isinstance(e, nianbao.CheckError)
    with pytest.raises(nianbao.Error) as ei:
        engine.check(b"[1, 2", name="broken.json")
    assert ei.value.code == nianbao.ERR_INPUT


def test_checker_errors_stop_render_unless_forced(engine, tmp_path):
    rel = "tests/data/check/row-total.json"
    with pytest.raises(nianbao.CheckError) as ei:
        engine.render(read(rel), date=EPOCH, name=rel)
    e = ei.value
    assert e.code == nianbao.ERR_CHECK
    assert e.findings["errors"] >= 1
    assert e.findings == json.loads(cli("check", rel, "--format", "json").stdout)
    with nianbao.Engine(datadir=SRCDIR, force=True) as forced:
        pdf, findings = forced.render(read(rel), date=EPOCH, name=rel)
    assert pdf.startswith(b"%PDF-") and findings["errors"] >= 1
    out = tmp_path / "forced.pdf"
    p = cli("render", rel, "--force", "-q", "-o", str(out))
    assert p.returncode == 0 and out.read_bytes() == pdf


def test_font_errors(engine, tmp_path):
    with pytest.raises(nianbao.Error) as ei:
        nianbao.Engine(datadir=SRCDIR, fonts={"bodyy": "Noto Serif CJK SC"})
    assert ei.value.code == nianbao.ERR_USAGE and "body" in ei.value.message
    missing = str(tmp_path / "no-such-font.ttf")
    with nianbao.Engine(datadir=SRCDIR, fonts={"body": missing}) as e:
        with pytest.raises(nianbao.Error) as ei:
            e.render(read(SEED), date=EPOCH)
    assert ei.value.code == nianbao.ERR_FONT and "no-such-font.ttf" in ei.value.message


def test_closed_engine_and_bad_arguments():
    e = nianbao.Engine(datadir=SRCDIR)
    e.close()
    with pytest.raises(nianbao.Error) as ei:
        e.render(read(SEED))
    assert ei.value.code == nianbao.ERR_USAGE
    with pytest.raises(TypeError):
        nianbao.Engine(datadir=SRCDIR).render(12345)


def test_warm_engine_twenty_identical_renders(engine, tmp_path):
    data = read(SEED)
    first, _ = engine.render(data, date=EPOCH)
    for _ in range(19):
        pdf, _ = engine.render(data, date=EPOCH)
        assert pdf == first
    assert first == cli_pdf(SEED, tmp_path)
    # A different report in between leaves the next seed render unchanged.
    engine.render(read(S2021), date=EPOCH)
    assert engine.render(data, date=EPOCH)[0] == first


def test_module_render_keeps_one_engine(monkeypatch, tmp_path):
    monkeypatch.setenv("NIANBAO_DATADIR", SRCDIR)
    monkeypatch.setattr(nianbao, "_default", None)
    pdf1, f1 = nianbao.render(read(SEED), date=EPOCH)
    eng = nianbao._default
    pdf2, _ = nianbao.render(read(SEED), date=EPOCH)
    assert nianbao._default is eng and pdf1 == pdf2 == cli_pdf(SEED, tmp_path)
    assert nianbao.check(read(SEED))["errors"] == f1["errors"] == 0


def test_date_forms_and_source_date_epoch(engine, monkeypatch, tmp_path):
    day = datetime.date(2021, 1, 25)
    secs = int(datetime.datetime(2021, 1, 25, tzinfo=datetime.timezone.utc).timestamp())
    want = cli_pdf(SEED, tmp_path, epoch=secs)
    assert engine.render(read(SEED), date=secs)[0] == want
    assert engine.render(read(SEED), date=day)[0] == want
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(secs))
    assert engine.render(read(SEED))[0] == want
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(nianbao.Error):
        engine.render(read(SEED))


def test_layout_as_path_and_as_bytes(engine, tmp_path):
    rel = "layouts/gov-annual-2019.json"
    want = engine.render(read(SEED), date=EPOCH)[0]
    assert engine.render(read(SEED), layout=os.path.join(SRCDIR, rel), date=EPOCH)[0] == want
    out = tmp_path / "with-layout.pdf"
    p = cli("render", SEED, "--layout", rel, "-q", "-o", str(out))
    assert p.returncode == 0 and out.read_bytes() == want
    with pytest.raises(nianbao.Error) as ei:
        engine.render(read(SEED), layout=b"{}", date=EPOCH)
    assert ei.value.code == nianbao.ERR_INPUT


def test_batch_mode_same_bytes(engine):
    seed, other = read(SEED), read(S2021)
    want = {SEED: engine.render(seed, date=EPOCH)[0], S2021: engine.render(other, date=EPOCH)[0]}
    with nianbao.Engine(datadir=SRCDIR) as b:
        b.set_batch(8, "never")
        for rel, data in [(SEED, seed), (S2021, other)] * 3:
            assert b.render(data, date=EPOCH)[0] == want[rel]
        assert not b.busy
        with pytest.raises(nianbao.Error) as ei:
            b.set_batch(8, "sometimes")
        assert ei.value.code == nianbao.ERR_USAGE


def test_init_blank_and_from_last_year(engine):
    blank = json.loads(engine.init("2021", 2024, body="某某县人民政府"))
    assert (blank["edition"], blank["year"]) == ("2021", 2024)
    assert "某某县人民政府" in json.dumps(blank, ensure_ascii=False)
    prev = read("samples/pair-2022.json")
    nxt = json.loads(engine.init(previous=prev))
    last = json.loads(prev)
    assert nxt["year"] == last["year"] + 1
    assert nxt["body"] == last["body"]
    # previous= held for that call only
    with pytest.raises(nianbao.Error) as ei:
        engine.init()  # no year and no last year's report
    with pytest.raises(nianbao.Error) as ei:
        engine.init("2019", 2024)
    assert ei.value.code == nianbao.ERR_USAGE and "2021" in ei.value.message

"""What every script uses (:mod:`reanalysis.workflow_io`): an error's message reaches the console,
its traceback the log only."""

import sys

import pytest

from reanalysis.workflow_io import script_log


def test_an_error_after_validation_reaches_the_console(tmp_path, capfd):
    log = tmp_path / "x.log"
    with pytest.raises(SystemExit), script_log(log):
        print("progress", file=sys.stderr)
        raise ValueError("pooling set 'x' selects no estimable effect")
    err = capfd.readouterr().err
    assert "pooling set 'x' selects no estimable effect" in err and "Traceback" not in err
    assert "progress" in log.read_text() and "Traceback" in log.read_text()

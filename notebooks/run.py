#!/usr/bin/python3
"""Runs a notebook headlessly with the Deno kernel and keeps every output its cells make.

    python3 notebooks/run.py notebooks/02-tune-pressure-rules.ipynb out/02-executed.ipynb [--allow-errors] [--timeout S]

What `jupyter nbconvert --to notebook --execute` does, with one difference. Deno's kernel forwards what a
cell prints (and now and then its result) from another task than the one that reports the cell done, so on a
loaded machine, or after an `await`, a cell's output can reach the client just after the kernel's "idle" for
that cell. nbconvert (nbclient) stops listening at that "idle" and drops it: a print or a chart missing, no
error. This runner listens for a moment more after each cell's "idle" and puts what comes for that cell in
that cell (a message names the cell it belongs to), then goes on; nothing else changes. Needs Debian's
`python3-nbclient` (a dependency of `jupyter-nbconvert`). Cells run with the notebook's folder as the
working directory, as in nbconvert. Exit 0 when the notebook ran (with --allow-errors, also when a cell
failed: its error is in the output), 1 on a cell's error, 2 on a wrong argument, a file that is not a
notebook, a kernel not registered, or a Python without nbclient.
"""
import argparse
import os
import sys
from queue import Empty

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionComplete, CellExecutionError
    from nbclient.util import ensure_async
    from jupyter_client.kernelspec import NoSuchKernel
except ImportError as e:  # a clear message, not a traceback
    print(f"run.py: {e} in {sys.executable}; run it with the Python that runs jupyter-nbconvert (Debian's /usr/bin/python3), "
          "or install Jupyter's runner there: apt-get install jupyter-nbconvert python3-nbclient python3-ipykernel", file=sys.stderr)
    sys.exit(2)

# How long after a cell's "idle" its late outputs are awaited, in seconds; each late output found waits again.
# Late outputs seen here came within milliseconds of the "idle", with 2 cores fully loaded.
GRACE = 0.25


class LateOutputClient(NotebookClient):
    """nbclient's client, listening for a cell's outputs a moment after the kernel said the cell was done."""

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        await super()._async_poll_output_msg(parent_msg_id, cell, cell_index)
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=GRACE))
            except Empty:
                return
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:  # a second "idle" for the same cell: nothing to keep
                pass


def main(argv):
    p = argparse.ArgumentParser(prog="run.py", description="Run a notebook with the Deno kernel, keeping outputs the kernel sends late.")
    p.add_argument("notebook", help="the notebook to run (.ipynb)")
    p.add_argument("output", help="where to write the executed notebook (.ipynb)")
    p.add_argument("--allow-errors", action="store_true", help="go on after a cell fails (its error is kept in the output)")
    p.add_argument("--timeout", type=int, default=600, help="seconds a cell may run (default 600)")
    p.add_argument("--kernel", default="deno", help="the kernel's name (default deno: `npx deno jupyter --install --force` registers it)")
    a = p.parse_args(argv)
    if a.timeout <= 0:
        p.error(f"--timeout: {a.timeout} is not a whole number of seconds above 0")
    try:
        nb = nbformat.read(a.notebook, as_version=4)
    except FileNotFoundError:
        p.error(f"{a.notebook}: no such file")
    except Exception as e:  # not JSON, not a notebook
        p.error(f"{a.notebook}: not a notebook ({e})")
    client = LateOutputClient(
        nb, timeout=a.timeout, kernel_name=a.kernel, allow_errors=a.allow_errors,
        iopub_timeout=60,  # after a cell's reply, how long its outputs may take on a loaded machine (nbclient's default: 4 s)
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(a.notebook))}},
    )
    failed = None
    try:
        client.execute()
    except CellExecutionError as e:
        failed = e
    except NoSuchKernel:
        p.error(f"--kernel: no Jupyter kernel named '{a.kernel}'; register Deno's with: npx deno jupyter --install --force")
    except FileNotFoundError as e:  # a kernel registered by a checkout since moved or deleted
        p.error(f"--kernel {a.kernel}: its program is gone ({e.filename}); register it again with: npx deno jupyter --install --force")
    os.makedirs(os.path.dirname(os.path.abspath(a.output)), exist_ok=True)
    nbformat.write(nb, a.output)
    if failed:
        print(f"run.py: {a.notebook}: a cell failed (the executed notebook, with its error, is in {a.output})\n{failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""JupyterLab in headless Chromium (Debian's, driven by Playwright) runs the tutorial 5 notebook
with bf as its kernel, as a person would: open it, Run > Run All Cells, wait. Then checks what
the page shows (the HTML tables, the SVG chart, the two errors the tutorial means, the final
metrics) and saves a screenshot of the chart and the metrics.

Usage: check_jupyterlab.py NOTEBOOK_FOLDER SCREENSHOT   (JUPYTER_PATH, BF_HOME set by scripts/check-jupyterlab)"""

import json, os, secrets, socket, subprocess, sys, time, urllib.request

from playwright.sync_api import sync_playwright


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(url, process, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"check-jupyterlab: jupyter lab exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit("check-jupyterlab: jupyter lab did not answer within 2 minutes")


def main():
    folder, screenshot = sys.argv[1], sys.argv[2]
    port, token = free_port(), secrets.token_hex(16)
    # JupyterLab's own files sit beside the notebooks' folder, out of its file browser.
    outside = os.path.dirname(os.path.abspath(folder))
    settings = os.path.join(outside, "lab-settings")
    # Every cell stays in the page (no windowing), and no news pop-up covers it.
    for extension, name, values in [("@jupyterlab/notebook-extension", "tracker", {"windowingMode": "none"}),
                                    ("@jupyterlab/apputils-extension", "notification", {"fetchNews": "false"})]:
        os.makedirs(os.path.join(settings, extension), exist_ok=True)
        with open(os.path.join(settings, extension, name + ".jupyterlab-settings"), "w") as handle:
            json.dump(values, handle)
    environment = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=settings, JUPYTERLAB_WORKSPACES_DIR=os.path.join(outside, "workspaces"))
    server = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.port={port}",
                               "--ServerApp.ip=127.0.0.1", "--allow-root", f"--IdentityProvider.token={token}",
                               f"--ServerApp.root_dir={folder}", "--ServerApp.port_retries=0"],
                              env=environment, stdout=subprocess.DEVNULL, stderr=open(os.path.join(outside, "lab.log"), "w"))
    try:
        wait_for_server(f"http://127.0.0.1:{port}/api/status?token={token}", server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/lab/tree/tutorial-5.ipynb?token={token}")
            page.wait_for_selector("#jp-main-statusbar >> text=/bf \\| Idle/", timeout=120_000)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            # Done when no cell waits or runs ([*]) and the last cell shows its result.
            page.wait_for_function("""() => {
                const prompts = [...document.querySelectorAll('.jp-InputArea-prompt')].map(p => p.textContent);
                const cells = document.querySelectorAll('.jp-CodeCell');
                const last = cells[cells.length - 1];
                return prompts.length > 0 && !prompts.some(p => p.includes('*'))
                    && last && last.querySelector('.jp-OutputArea-executeResult') !== null;
            }""", timeout=600_000)
            found = page.evaluate("""() => ({
                tables: document.querySelectorAll('.jp-OutputArea-output table').length,
                charts: document.querySelectorAll('.jp-OutputArea-output[data-mime-type="image/svg+xml"] img').length,
                errors: document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').length,
                last: [...document.querySelectorAll('.jp-CodeCell')].pop().querySelector('.jp-OutputArea-executeResult').textContent,
            })""")
            print(f"check-jupyterlab: the page shows {found['tables']} tables, {found['charts']} charts, {found['errors']} outputs on standard error")
            assert found["tables"] >= 3, found
            assert found["charts"] >= 1, found
            assert found["errors"] >= 2, found
            assert "AUC" in found["last"] and "Accuracy" in found["last"], found["last"]
            # The picture: the file browser folded away, the training's chart at the top.
            page.keyboard.press("Control+KeyB")
            page.evaluate("""() => {
                document.querySelector('.jp-OutputArea-output[data-mime-type="image/svg+xml"]')
                    .closest('.jp-Cell').scrollIntoView({block: 'start'});
            }""")
            page.wait_for_timeout(1000)
            page.screenshot(path=screenshot)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()

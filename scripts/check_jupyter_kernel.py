"""Jupyter's own kernel test suite (jupyter_kernel_test) against `bf kernel`, plus the checks
the suite leaves to each kernel: interrupting a running cell, aborting the cells queued behind
a failed one, and a refused message signature. Run by scripts/check-jupyter, which installs
the kernelspec into a temporary JUPYTER_PATH and points BF_HOME at an empty home."""

import os
import time
import unittest

import nbformat
from nbclient import NotebookClient

import jupyter_kernel_test
from jupyter_client.manager import start_new_kernel


class BFKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "bf"
    language_name = "bf"
    file_extension = ".bf"

    code_hello_world = 'print("hello, world")'
    code_stderr = 'logging.warning("to standard error")'

    completion_samples = [
        {"text": "prin", "matches": {"print"}},
        {"text": "pri", "matches": {"print", "privacy"}},
        {"text": "x = len", "matches": {"len"}},
    ]
    complete_code_samples = ["1 + 1", 'print("a")', "x = [1, 2]"]
    incomplete_code_samples = ["x = [1,", 'print("a",', "f(\n  1,"]
    invalid_code_samples = ["x = = 1", "1 +* 2", "print)"]

    code_generate_error = "undefined_name + 1"

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": '"a" + "b"', "result": "'ab'"},
        {"code": "[1, 2] + [3]", "result": "[1, 2, 3]"},
        # Tables show as HTML beside their text.
        {"code": "whoami()", "mime": "text/html"},
        {"code": 'get_pod_schema("census-income-demo")', "mime": "text/html"},
    ]
    code_display_data = [
        {"code": 'display("shown")', "mime": "text/plain"},
        {"code": "display(whoami())", "mime": "text/html"},
    ]

    code_history_pattern = "1 + *"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "len"


class BFKernelBehaviour(unittest.TestCase):
    """What jupyter_kernel_test does not check."""

    def setUp(self):
        self.km, self.kc = start_new_kernel(kernel_name="bf")

    def tearDown(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=False)
        self.assertFalse(self.km.is_alive())

    def execute(self, code, **options):
        outputs = []
        reply = self.kc.execute_interactive(code, timeout=60, output_hook=outputs.append, **options)
        return reply["content"], outputs

    def test_variables_outlive_cells_and_results_are_numbered(self):
        self.execute("x = 20")
        reply, outputs = self.execute("x + 1")
        self.assertEqual(reply["status"], "ok")
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "21")
        self.assertEqual(results[0]["content"]["execution_count"], reply["execution_count"])

    def test_a_failed_cell_aborts_the_cells_queued_behind_it(self):
        # The first cell works a while before it fails, so the second is queued by then.
        first = self.kc.execute('get_pod_schema("census-income-demo")\nundefined_name')
        second = self.kc.execute("y = 1")
        replies = {}
        while len(replies) < 2:
            message = self.kc.get_shell_msg(timeout=30)
            replies[message["parent_header"]["msg_id"]] = message["content"]
        self.assertEqual(replies[first]["status"], "error")
        self.assertEqual(replies[second]["status"], "aborted")
        reply, _ = self.execute("y")
        self.assertEqual(reply["status"], "error", "the aborted cell must not have run")

    def test_interrupting_a_long_cell_keeps_the_session(self):
        self.execute("kept = 41")
        # A long training on the demo federation, interrupted once it has started.
        code = (
            'pods = ["census-income-demo", "census-income-yaml-demo"]\n'
            "model = PyTorchTabularClassifier(\n"
            '    datastructure=DataStructure(target="TARGET", table={pods[0]: pods[0], pods[1]: pods[1]}),\n'
            "    schema=combine_pod_schemas(pods), epochs=10000)\n"
            "model.fit(pod_identifiers=pods)\n"
        )
        started = time.monotonic()
        message_id = self.kc.execute(code)
        while True:
            message = self.kc.get_iopub_msg(timeout=120)
            if message["parent_header"].get("msg_id") != message_id:
                continue
            self.assertNotEqual(message["msg_type"], "error", message["content"])
            if message["msg_type"] in ("display_data", "update_display_data"):
                break
        self.km.interrupt_kernel()
        reply = self.kc.get_shell_msg(timeout=60)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        self.assertLess(time.monotonic() - started, 120)
        reply, outputs = self.execute("kept + 1")
        self.assertEqual([m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"], ["42"])


class TutorialNotebook(unittest.TestCase):
    """nbclient runs the notebook of tutorial 5 that `bf jupyter notebook 5` wrote, with bf as
    its kernel, as JupyterLab's "Run All" would."""

    def test_tutorial_5_runs_with_tables_a_chart_and_final_metrics(self):
        notebook = nbformat.read(os.environ["BF_TUTORIAL_NOTEBOOK"], as_version=4)
        nbformat.validate(notebook)
        NotebookClient(notebook, timeout=600, kernel_name="bf").execute()
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        outputs = [output for cell in code for output in cell.outputs]
        failing = [cell for cell in code if "raises-exception" in cell.metadata.get("tags", [])]
        self.assertEqual(len(failing), 2)
        for cell in failing:
            self.assertEqual([o.output_type for o in cell.outputs if o.output_type == "error"], ["error"], cell.source)
        for cell in code:
            if cell not in failing:
                self.assertNotIn("error", [o.output_type for o in cell.outputs], cell.source)
        # The schema comparison error shows as a table beside its text.
        self.assertTrue(any("text/html" in o.get("data", {}) and "gender" in o.data["text/html"]
                            for cell in failing for o in cell.outputs))
        # Tables as HTML: the combined schema and the metrics per round.
        html = [o.data["text/html"] for o in outputs if o.output_type == "execute_result" and "text/html" in o.data]
        self.assertGreaterEqual(len(html), 2)
        # The chart of the training's metrics, as SVG.
        svg = [o.data["image/svg+xml"] for o in outputs if "image/svg+xml" in o.get("data", {})]
        self.assertEqual(len(svg), 1)
        self.assertIn("<svg", svg[0])
        # The last cell shows the metrics of the final round.
        final = code[-1].outputs[-1]
        self.assertEqual(final.output_type, "execute_result")
        for metric in ("AUC", "Accuracy"):
            self.assertIn(metric, final.data["text/plain"])


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""Times a Jupyter kernel from the outside, over raw ZeroMQ (pyzmq, no jupyter_client):
start-up to the first kernel_info_reply, then the round trip of an execute_request of
CODE until its execute_reply and IOPub's idle status. Prints one JSON line.

Usage: kernel_client.py NAME CODE STARTS ROUND_TRIPS -- KERNEL_ARGV... ({connection_file} is replaced)"""

import hashlib, hmac, json, os, statistics, subprocess, sys, tempfile, time, uuid

import zmq


def main():
    name, code, starts, trips = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    argv = sys.argv[sys.argv.index("--") + 1:]
    startups, round_trips = [], []
    for _ in range(starts):
        startup, trips_ms = run_kernel(argv, code, trips)
        startups.append(startup)
        round_trips += trips_ms
    print(json.dumps({"kernel": name, "startup_ms": statistics.median(startups), "startup_min_ms": min(startups),
                      "execute_median_ms": statistics.median(round_trips), "execute_p90_ms": quantile(round_trips, 0.9),
                      "starts": starts, "round_trips": len(round_trips)}))


def quantile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def free_ports(count):
    sockets = []
    for _ in range(count):
        s = zmq.Context.instance().socket(zmq.ROUTER)
        port = s.bind_to_random_port("tcp://127.0.0.1")
        sockets.append((s, port))
    for s, _ in sockets:
        s.close(linger=0)
    return [p for _, p in sockets]


def run_kernel(argv, code, trips):
    key = uuid.uuid4().hex
    shell_port, iopub_port, stdin_port, control_port, hb_port = free_ports(5)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "connection.json")
        with open(path, "w") as handle:
            json.dump({"transport": "tcp", "ip": "127.0.0.1", "shell_port": shell_port, "iopub_port": iopub_port,
                       "stdin_port": stdin_port, "control_port": control_port, "hb_port": hb_port,
                       "key": key, "signature_scheme": "hmac-sha256", "kernel_name": "bench"}, handle)
        context = zmq.Context()
        shell = context.socket(zmq.DEALER)
        iopub = context.socket(zmq.SUB)
        control = context.socket(zmq.DEALER)
        for s in (shell, iopub, control):
            s.setsockopt(zmq.RECONNECT_IVL, 1)
            s.setsockopt(zmq.LINGER, 0)
        iopub.setsockopt(zmq.SUBSCRIBE, b"")
        shell.connect(f"tcp://127.0.0.1:{shell_port}")
        control.connect(f"tcp://127.0.0.1:{control_port}")
        iopub.connect(f"tcp://127.0.0.1:{iopub_port}")
        session = uuid.uuid4().hex
        started = time.perf_counter()
        process = subprocess.Popen([a.replace("{connection_file}", path) for a in argv],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            send(shell, key, session, "kernel_info_request", {})
            receive(shell, key, 30_000)
            startup = (time.perf_counter() - started) * 1000
            wait_for_iopub(shell, iopub, key, session)
            send(shell, key, session, "execute_request", execute(code))  # warm-up
            drain(shell, iopub, key)
            timings = []
            for _ in range(trips):
                begun = time.perf_counter()
                send(shell, key, session, "execute_request", execute(code))
                reply = drain(shell, iopub, key)
                timings.append((time.perf_counter() - begun) * 1000)
                assert reply["content"]["status"] == "ok", reply["content"]
            send(control, key, session, "shutdown_request", {"restart": False})
            receive(control, key, 10_000)
            process.wait(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
            context.destroy(linger=0)
    return startup, timings


def execute(code):
    return {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False,
            "stop_on_error": True}


def send(socket, key, session, msg_type, content):
    header = {"msg_id": uuid.uuid4().hex, "session": session, "username": "bench", "msg_type": msg_type,
              "version": "5.3", "date": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())}
    parts = [json.dumps(p).encode() for p in (header, {}, {}, content)]
    signature = hmac.new(key.encode(), b"".join(parts), hashlib.sha256).hexdigest().encode()
    socket.send_multipart([b"<IDS|MSG>", signature] + parts)
    return header["msg_id"]


def receive(socket, key, timeout_ms):
    if not socket.poll(timeout_ms):
        raise TimeoutError("no message from the kernel")
    frames = socket.recv_multipart()
    index = frames.index(b"<IDS|MSG>")
    signature, parts = frames[index + 1], frames[index + 2:index + 6]
    assert hmac.compare_digest(signature, hmac.new(key.encode(), b"".join(parts), hashlib.sha256).hexdigest().encode())
    header, parent, _, content = (json.loads(p) for p in parts)
    return {"header": header, "parent": parent, "content": content}


def wait_for_iopub(shell, iopub, key, session):
    """Kernel info until IOPub answers too: a subscriber misses what comes before it joins."""
    for _ in range(200):
        if iopub.poll(10):
            while iopub.poll(50):
                iopub.recv_multipart()
            return
        send(shell, key, session, "kernel_info_request", {})
        receive(shell, key, 10_000)
    raise TimeoutError("IOPub never answered")


def drain(shell, iopub, key):
    """The execute_reply, once IOPub has also said idle for the request."""
    reply = receive(shell, key, 30_000)
    request = reply["parent"]["msg_id"]
    while True:
        message = receive(iopub, key, 30_000)
        if message["parent"].get("msg_id") == request and message["header"]["msg_type"] == "status" \
                and message["content"]["execution_state"] == "idle":
            return reply


if __name__ == "__main__":
    main()

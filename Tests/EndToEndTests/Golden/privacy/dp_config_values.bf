# DPModellerConfig checks its numbers where they are written, and shows what it asks for.
config = DPModellerConfig(epsilon=3, delta=1e-5, max_grad_norm=1.0)
config  # expect: DPModellerConfig(epsilon=3.0, delta=1e-05, max_grad_norm=1.0)
config.epsilon  # expect: 3.0
privacy(epsilon=0.5)  # expect: DPModellerConfig(epsilon=0.5, max_grad_norm=1.0)
DPModellerConfig(epsilon=2, noise_multiplier=0.4)  # expect: DPModellerConfig(epsilon=2.0, max_grad_norm=1.0)
# stderr: note: noise_multiplier is not used: each pod chooses the noise that keeps the training within epsilon
DPModellerConfig(epsilon=-1)
# error: 8:18: epsilon is -1.0: it must be a finite number above 0
# help: e.g. DPModellerConfig(epsilon=3, max_grad_norm=1.0)
# exit: 70

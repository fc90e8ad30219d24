"""Runs an ONNX model in onnxruntime on a .npy input and prints the outputs as JSON, like autows-translate --run."""
import json
import sys

import numpy as np
import onnxruntime

model, input_path = sys.argv[1], sys.argv[2]
session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
feed = {session.get_inputs()[0].name: np.load(input_path)}
outputs = session.run(None, feed)
print(json.dumps({"outputs": [{"shape": list(o.shape), "values": o.ravel().tolist()} for o in outputs]}))

"""The Python baseline for `npm run bench:runtime`: KServe's ModelServer (V2 REST) with
onnxruntime on CPU, serving one ONNX file the way a KServe custom predictor would.
Run inside the bench venv: python kserve_server.py <name> <model.onnx> <http_port>."""
import logging
import sys

import numpy as np
import onnxruntime as ort
from kserve import InferOutput, InferRequest, InferResponse, Model, ModelServer

TYPES = {"tensor(float)": "FP32", "tensor(double)": "FP64", "tensor(int64)": "INT64", "tensor(int32)": "INT32"}


class OnnxModel(Model):
    def __init__(self, name: str, path: str):
        super().__init__(name)
        self.session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        self.outputs = [(o.name, TYPES.get(o.type, "FP32")) for o in self.session.get_outputs()]
        self.ready = True

    def predict(self, payload: InferRequest, headers=None, response_headers=None) -> InferResponse:
        feeds = {i.name: i.as_numpy() for i in payload.inputs}
        results = self.session.run(None, feeds)
        outputs = []
        for (name, datatype), value in zip(self.outputs, results):
            out = InferOutput(name=name, shape=list(value.shape), datatype=datatype)
            out.set_data_from_numpy(np.ascontiguousarray(value), binary_data=False)
            outputs.append(out)
        return InferResponse(model_name=self.name, infer_outputs=outputs, response_id=payload.id or "")


if __name__ == "__main__":
    name, path, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sys.argv = sys.argv[:1]
    # Per-request access and trace logs would cost the baseline time Beamline does not spend.
    logging.disable(logging.INFO)
    ModelServer(http_port=port, workers=1, enable_grpc=False, enable_latency_logging=False).start([OnnxModel(name, path)])

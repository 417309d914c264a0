"""The MLServer peer for `npm run bench:runtime`: Seldon's MLServer (V2 REST, adaptive
batching) has no ONNX runtime of its own, so this custom runtime calls onnxruntime on CPU,
the same session settings as kserve_server.py. servers.ts writes the settings files that
name it (implementation "mlserver_onnx.OnnxModel") and starts `mlserver start <dir>`."""
import numpy as np
import onnxruntime as ort
from mlserver import MLModel
from mlserver.codecs import NumpyCodec
from mlserver.types import InferenceRequest, InferenceResponse


class OnnxModel(MLModel):
    async def load(self) -> bool:
        self.session = ort.InferenceSession(self.settings.parameters.uri, providers=["CPUExecutionProvider"])
        self.output_names = [o.name for o in self.session.get_outputs()]
        return True

    async def predict(self, payload: InferenceRequest) -> InferenceResponse:
        feeds = {i.name: NumpyCodec.decode_input(i) for i in payload.inputs}
        results = self.session.run(None, feeds)
        outputs = [NumpyCodec.encode_output(name, np.ascontiguousarray(value)) for name, value in zip(self.output_names, results)]
        return InferenceResponse(model_name=self.name, outputs=outputs, id=payload.id)

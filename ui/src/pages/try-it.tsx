import { useState } from 'preact/hooks';
import { ApiError, send } from '../api';
import { ErrorText, json } from '../components';
import type { ModelVersion, Tensor } from '../types';

/** ONNX element types (as the registry's signature names them) to KServe V2 datatypes. */
const V2_TYPES: Record<string, string> = {
  float32: 'FP32', float64: 'FP64', float16: 'FP16', int8: 'INT8', int16: 'INT16', int32: 'INT32', int64: 'INT64',
  uint8: 'UINT8', uint16: 'UINT16', uint32: 'UINT32', uint64: 'UINT64', bool: 'BOOL', string: 'BYTES',
};

/** A named or unknown dimension (a batch axis) becomes 1: one example. */
export const concreteShape = (t: Tensor) => (t.shape ?? [1]).map((d) => (typeof d === 'number' && d > 0 ? d : 1));

/** The V2 infer body for the values typed per input (numbers separated by commas or spaces). */
export function v2Request(inputs: Tensor[], values: Record<string, string>) {
  return {
    inputs: inputs.map((t) => {
      const datatype = V2_TYPES[t.elementType ?? ''] ?? 'FP32';
      const raw = (values[t.name] ?? '').split(/[\s,]+/).filter(Boolean);
      const data = datatype === 'BYTES' ? raw : datatype === 'BOOL' ? raw.map((v) => v === 'true' || v === '1') : raw.map(Number);
      return { name: t.name, shape: concreteShape(t), datatype, data };
    }),
  };
}

/** "Try it": a form built from the version's signature; the answer is shown as JSON text. */
export function TryIt({ endpoint, version }: { endpoint: string; version: ModelVersion }) {
  const inputs = version.signature?.inputs ?? [];
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(inputs.map((t) => [t.name, Array(concreteShape(t).reduce((a, b) => a * b, 1)).fill('0').join(', ')])),
  );
  const [answer, setAnswer] = useState<unknown>();
  const [error, setError] = useState<ApiError>();
  if (inputs.length === 0) return <p>This model version has no signature to build a request from.</p>;

  const run = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setAnswer(undefined);
    try {
      setAnswer(await send('POST', `${endpoint}/infer`, v2Request(inputs, values)));
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <section aria-labelledby="try-title">
      <h2 id="try-title">Try it</h2>
      <form onSubmit={run} class="try-it">
        {inputs.map((t) => (
          <label key={t.name}>
            {`${t.name} (${t.elementType ?? '?'} [${concreteShape(t).join(', ')}])`}
            <textarea name={`input-${t.name}`} rows={2} value={values[t.name]} onInput={(ev) => setValues({ ...values, [t.name]: (ev.target as HTMLTextAreaElement).value })} />
          </label>
        ))}
        <button type="submit">Send</button>
      </form>
      <ErrorText error={error} />
      {answer !== undefined && <pre class="answer" aria-label="Response">{json(answer)}</pre>}
    </section>
  );
}

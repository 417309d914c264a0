import { useState } from 'preact/hooks';
import { ApiError, send } from '../api';
import { ErrorText, json } from '../components';
import type { ModelVersion, Tensor } from '../types';
import { initialValue, outOfRange, rangeText } from './variables';

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

/**
 * "Try it": a form built from the version's signature; the answer is shown as JSON text.
 * Where the version has variable metadata, a field starts at its default and shows its unit
 * and range; a value outside the range is warned about as it is typed, and Send then asks
 * once more ("Send anyway") before the request goes out: the model may extrapolate badly.
 */
export function TryIt({ endpoint, version }: { endpoint: string; version: ModelVersion }) {
  const inputs = version.signature?.inputs ?? [];
  const meta = version.variables?.inputs ?? {};
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(inputs.map((t) => [t.name, initialValue(concreteShape(t).reduce((a, b) => a * b, 1), meta[t.name])])),
  );
  const [confirming, setConfirming] = useState(false);
  const [answer, setAnswer] = useState<unknown>();
  const [error, setError] = useState<ApiError>();
  if (inputs.length === 0) return <p>This model version has no signature to build a request from.</p>;

  const outside = inputs.flatMap((t) => {
    const bad = outOfRange(values[t.name] ?? '', meta[t.name]);
    return bad.length ? [`${t.name}: ${bad.join(', ')} outside the range ${rangeText(meta[t.name])}`] : [];
  });
  const run = async (e: Event) => {
    e.preventDefault();
    if (outside.length > 0 && !confirming) {
      setConfirming(true);
      return;
    }
    setConfirming(false);
    setError(undefined);
    setAnswer(undefined);
    try {
      setAnswer(await send('POST', `${endpoint}/infer`, v2Request(inputs, values)));
    } catch (err) {
      setError(err as ApiError);
    }
  };
  const edit = (name: string, value: string) => {
    setConfirming(false);
    setValues({ ...values, [name]: value });
  };
  return (
    <section aria-labelledby="try-title">
      <h2 id="try-title">Try it</h2>
      <form onSubmit={run} class="try-it">
        {inputs.map((t) => {
          const v = meta[t.name];
          const about = [v?.unit && `unit ${v.unit}`, v?.range && `range [${v.range[0]}, ${v.range[1]}]`, v?.description].filter(Boolean).join(' · ');
          return (
            <label key={t.name}>
              {`${t.name} (${t.elementType ?? '?'} [${concreteShape(t).join(', ')}])`}
              {about && <span class="hint">{` ${about}`}</span>}
              <textarea name={`input-${t.name}`} rows={2} value={values[t.name]} onInput={(ev) => edit(t.name, (ev.target as HTMLTextAreaElement).value)} />
            </label>
          );
        })}
        {outside.length > 0 && (
          <p class="warn" role="status" data-testid="range-warning">
            {`Out of range: ${outside.join('; ')}.`}{confirming ? ' Send anyway to ask the model all the same.' : ''}
          </p>
        )}
        <button type="submit">{confirming ? 'Send anyway' : 'Send'}</button>
      </form>
      <ErrorText error={error} />
      {answer !== undefined && <pre class="answer" aria-label="Response">{json(answer)}</pre>}
    </section>
  );
}

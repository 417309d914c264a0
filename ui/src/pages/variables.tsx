import type { ModelVersion, Tensor, Variable } from '../types';

/** `[-5, 5] A`, `≥ 0`, or '' when the variable has no range. */
export const rangeText = (v: Variable | undefined) => (v?.range ? `[${v.range[0]}, ${v.range[1]}]${v.unit ? ` ${v.unit}` : ''}` : '');

const defaultText = (d: Variable['default']) => (d === undefined ? '' : Array.isArray(d) ? d.join(', ') : String(d));

/** The text the try-it field starts with: the variable's default (a scalar fills every element), else zeros. */
export function initialValue(elements: number, v: Variable | undefined): string {
  if (Array.isArray(v?.default) && v.default.length === elements) return v.default.join(', ');
  const each = typeof v?.default === 'number' ? String(v.default) : '0';
  return Array(elements).fill(each).join(', ');
}

/** The values typed that fall outside the variable's range (numbers only; the rest is the API's to refuse). */
export function outOfRange(text: string, v: Variable | undefined): number[] {
  if (!v?.range) return [];
  const [lo, hi] = v.range;
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number)
    .filter((n) => Number.isFinite(n) && (n < lo || n > hi));
}

/** One table of a version's variables, inputs then outputs, in signature order where there is one. */
export function VariablesTable({ version }: { version: ModelVersion }) {
  const sides = (['inputs', 'outputs'] as const).map((side) => {
    const specs = version.variables?.[side] ?? {};
    const order = (version.signature?.[side] ?? []).map((t: Tensor) => t.name);
    const names = Object.keys(specs).sort((a, b) => (order.indexOf(a) + 1 || Infinity) - (order.indexOf(b) + 1 || Infinity) || a.localeCompare(b));
    return names.map((name) => ({ side, name, v: specs[name] }));
  });
  const rows = sides.flat();
  if (rows.length === 0) return null;
  return (
    <table class="variables" aria-label={`Variables of version ${version.version}`}>
      <caption>Variables of version {version.version}</caption>
      <thead>
        <tr><th scope="col">Variable</th><th scope="col">Kind</th><th scope="col">Unit</th><th scope="col">Range</th><th scope="col">Default</th><th scope="col">Description</th></tr>
      </thead>
      <tbody>
        {rows.map(({ side, name, v }) => (
          <tr key={`${side}/${name}`} data-variable={name}>
            <td><code>{name}</code></td>
            <td>{side === 'inputs' ? 'input' : 'output'}{v.constant ? ' (constant)' : ''}</td>
            <td>{v.unit ?? '—'}</td>
            <td>{v.range ? `[${v.range[0]}, ${v.range[1]}]` : '—'}</td>
            <td>{defaultText(v.default) || '—'}</td>
            <td>{v.description ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

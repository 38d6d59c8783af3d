// One wizard field rendered from the model generated out of `rclone config providers`.
import type { WizardField } from '../../../shared/remotes/wizard-model';

/** Renders a field by its control kind; help text below, folded when long. */
export function FieldInput({ field, value, onChange, problem }: { field: WizardField; value: string; onChange: (v: string) => void; problem?: string | undefined }) {
  const id = `opt-${field.name}`;
  const label = (
    <span>
      {field.label}
      {field.required && <span className="required" aria-hidden="true"> *</span>}
    </span>
  );
  const help = field.help ? (
    field.help.length > 180 ? (
      <details className="help">
        <summary>More about {field.label.toLowerCase()}</summary>
        <div className="help-text">{field.help}</div>
      </details>
    ) : (
      <div className="help help-text">{field.help}</div>
    )
  ) : null;
  let input;
  switch (field.control) {
    case 'checkbox':
      return (
        <div className="field">
          <label className="check">
            <input id={id} data-testid={id} type="checkbox" checked={(value || field.defaultValue) === 'true'} onChange={(e) => onChange(e.target.checked ? 'true' : 'false')} />
            {label}
          </label>
          {help}
        </div>
      );
    case 'select':
      input = (
        <select id={id} data-testid={id} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{field.defaultValue ? `Default (${field.defaultValue})` : 'Choose…'}</option>
          {field.choices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label === c.value || !c.value ? c.label || c.value : `${c.label} (${c.value})`}
            </option>
          ))}
        </select>
      );
      break;
    case 'combo':
      input = (
        <>
          <input id={id} data-testid={id} list={`${id}-choices`} value={value} placeholder={field.defaultValue || 'Type or pick a suggestion'} onChange={(e) => onChange(e.target.value)} autoComplete="off" />
          <datalist id={`${id}-choices`}>
            {field.choices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </datalist>
        </>
      );
      break;
    case 'password':
      input = <input id={id} data-testid={id} type="password" value={value} autoComplete="new-password" onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'number':
      input = <input id={id} data-testid={id} inputMode="numeric" value={value} placeholder={field.defaultValue} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'text':
      input = <input id={id} data-testid={id} value={value} placeholder={field.defaultValue} onChange={(e) => onChange(e.target.value)} autoComplete="off" />;
      break;
  }
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {input}
      {field.isPassword && <div className="help">Stored obscured in your rclone config.</div>}
      {problem && (
        <div className="error-text" role="alert">
          {problem}
        </div>
      )}
      {help}
    </div>
  );
}

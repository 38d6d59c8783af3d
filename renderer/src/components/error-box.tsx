// An error from the core in plain words: the message, the next step (hint), details folded below.
import type { AppError } from '../../../shared/result';

/** Shows one AppError the same way on every page. */
export function ErrorBox({ error, testId }: { error: AppError; testId?: string }) {
  return (
    <div className="error-box" role="alert" data-testid={testId}>
      <strong>{error.message}</strong>
      {error.hint && <div>{error.hint}</div>}
      {error.detail && (
        <details>
          <summary>Details</summary>
          <pre className="small">{error.detail}</pre>
        </details>
      )}
    </div>
  );
}

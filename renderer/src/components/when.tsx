// A time as the window shows it everywhere: relative when near ("2 h ago", "in 6 h"), short
// otherwise ("Today 15:39", "Mon 03:00"), in the browser's locale, the full date on hover.
import { formatFullDate, formatRelative, formatWhen } from '../../../shared/format';
import { useUi } from '../store';

/** `relative`: "2 h ago" near now; `short`: always "Today 15:39". */
export function When({ ms, style = 'relative', prefix = '', seconds = false }: { ms: number; style?: 'relative' | 'short'; prefix?: string; seconds?: boolean }) {
  const { now } = useUi();
  const text = style === 'relative' ? formatRelative(ms, now) : formatWhen(ms, now, undefined, { seconds });
  return (
    <time dateTime={new Date(ms).toISOString()} title={formatFullDate(ms)}>
      {prefix}
      {text}
    </time>
  );
}

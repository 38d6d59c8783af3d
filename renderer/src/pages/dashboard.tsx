// Dashboard: one card per job — last result, destinations with their own status, live progress.
import { formatDuration } from '../../../shared/format';
import type { JobStatus, RunProgress, RunSummary } from '../../../shared/model';
import { runFigures, runProblem } from '../../../shared/run-words';
import { describeCron } from '../../../shared/schedule';
import { runtimeLocale } from '../../../shared/format';
import { When } from '../components/when';
import { Icon } from '../components/icons';
import { OutcomeBadge, toneOf } from '../components/outcome';
import { RunProgressView } from '../components/progress';
import { useUi } from '../store';

function shortPath(p: string): string {
  const parts = p.split(/[/\\]/).filter(Boolean);
  return parts.length > 2 ? `…/${parts.slice(-2).join('/')}` : p;
}

function ResultLine({ run }: { run: RunSummary }) {
  const took = run.endedAt ? formatDuration((run.endedAt - run.startedAt) / 1000) : '';
  return (
    <div className="result-line" data-testid="last-result">
      <OutcomeBadge outcome={run.outcome} />
      <span>
        <When ms={run.endedAt ?? run.startedAt} /> · {runFigures(run)}
        {took ? ` in ${took}` : ''}
      </span>
    </div>
  );
}

/** What went wrong in the last run, in plain words, with Retry: read from history, so it survives a reload. */
function ProblemBox({ run, onRetry }: { run: RunSummary; onRetry: () => void }) {
  const { openRun } = useUi();
  const text = runProblem(run);
  if (!text) return null;
  const calm = run.outcome === 'cancelled';
  // Red for a failure; amber for what needs a look but lost nothing (interrupted, partial, missing); grey for a cancel.
  const box = calm ? 'notice-box' : run.outcome === 'failed' ? 'error-box' : 'warn-note-box';
  const failed = run.destinations.filter((d) => d.outcome !== 'success' && d.firstError && d.firstError !== run.firstError);
  return (
    <div className={box} role={calm ? 'status' : 'alert'} data-testid="run-problem" data-outcome={run.outcome}>
      <div className="problem-text">{text}</div>
      {failed.length > 0 && (
        <ul className="problem-more small">
          {failed.slice(0, 3).map((d) => (
            <li key={d.destId}>
              {d.target}: {runProblem(d)}
            </li>
          ))}
        </ul>
      )}
      <div className="problem-actions">
        <button className="button small" onClick={onRetry} data-testid="retry">
          <Icon name="play" size={12} /> {calm ? 'Back up now' : 'Retry'}
        </button>
        <button className="button ghost small" onClick={() => openRun(run.id)}>
          Details and log
        </button>
      </div>
    </div>
  );
}

function JobCard({ status, live }: { status: JobStatus; live: RunProgress | undefined }) {
  const { call, scheduler } = useUi();
  const { job, lastRun } = status;
  const waiting = !live && !status.runningId && (scheduler?.queued.includes(job.id) ?? false);
  const running = Boolean(live || status.runningId) || waiting;
  const start = async () => {
    const r = await call('runs:start', { name: job.name, dryRun: false, trigger: 'manual' });
    if (!r.ok) useUi.setState({ toast: r.error });
  };
  // By name: cancels a waiting run too, and a run of this job in another process (a CLI run).
  const cancel = async () => {
    const r = await call('jobs:cancel', { name: job.name });
    if (!r.ok) useUi.setState({ toast: r.error });
  };
  const destOutcome = (destId: string) => lastRun?.destinations.find((d) => d.destId === destId);
  return (
    <article className="card job-card" data-testid="job-card" data-job={job.name} aria-label={`Job ${job.name}`}>
      <header className="card-head">
        <div>
          <h2>{job.name}</h2>
          <div className="sources">
            <Icon name="folder" size={14} /> {job.sources.map(shortPath).join(', ')}
          </div>
        </div>
        {running ? (
          <button className="button" onClick={cancel}>
            <Icon name="stop" size={14} /> {waiting ? 'Waiting for a free slot… Cancel' : 'Cancel'}
          </button>
        ) : (
          <button className="button primary" onClick={start}>
            <Icon name="play" size={14} /> Back up now
          </button>
        )}
      </header>
      <div className="chips">
        {job.destinations.map((d) => {
          const r = destOutcome(d.id);
          const tone = live?.destId === d.id ? 'busy' : toneOf(r?.outcome ?? null);
          return (
            <span key={d.id} className={`chip tone-${tone}`} data-testid="dest-chip" data-tone={tone} title={r && r.outcome !== 'success' ? `${d.target}: ${runProblem(r) ?? ''}` : d.target}>
              <Icon name={d.target.includes(':') && !d.target.startsWith('/') ? 'cloud' : 'folder'} size={13} />
              {d.target}
              <small>{d.kind}</small>
            </span>
          );
        })}
      </div>
      {live ? (
        <RunProgressView p={live} />
      ) : status.runningElsewhere ? (
        <div className="muted" data-testid="running-elsewhere">
          Backing up in {status.runningElsewhere}… its progress shows there.
        </div>
      ) : running ? (
        <div className="muted">Starting…</div>
      ) : lastRun ? (
        <ResultLine run={lastRun} />
      ) : (
        <div className="muted">Never backed up yet.</div>
      )}
      {!running && lastRun && <ProblemBox run={lastRun} onRetry={() => void start()} />}
      <footer className="card-foot">
        <span>
          <Icon name="clock" size={13} />{' '}
          {status.nextRun ? (
            <span>
              Next run <When ms={status.nextRun} />
              {job.schedule && ` · ${describeCron(job.schedule, runtimeLocale())}`}
            </span>
          ) : job.schedule ? (
            `${describeCron(job.schedule, runtimeLocale())}${scheduler?.pause ? ' (schedules paused)' : ''}`
          ) : (
            'Runs when you click Back up now'
          )}
        </span>
      </footer>
    </article>
  );
}

/** The dashboard page. */
export function Dashboard() {
  const { jobs, live, loaded, go } = useUi();
  if (loaded && jobs.length === 0) {
    return (
      <div className="empty">
        <div className="empty-art">
          <Icon name="folder" size={40} />
        </div>
        <h2>No jobs yet — back up your Music folder</h2>
        <p>Pick a folder and where its copy should go: a drive, a NAS or any rclone remote.</p>
        <button className="button primary" onClick={() => go('jobs')}>
          <Icon name="plus" size={14} /> Create a backup job
        </button>
      </div>
    );
  }
  return (
    <div className="cards">
      {jobs.map((s) => (
        <JobCard key={s.job.id} status={s} live={live[s.job.id]} />
      ))}
    </div>
  );
}

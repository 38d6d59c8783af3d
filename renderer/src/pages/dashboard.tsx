// Dashboard: one card per job — last result, destinations with their own status, live progress.
import { formatAgo, formatBytes, formatDuration, plural } from '../../../shared/format';
import type { JobStatus, RunProgress, RunSummary } from '../../../shared/model';
import { Icon } from '../components/icons';
import { OutcomeBadge, toneOf } from '../components/outcome';
import { RunProgressView } from '../components/progress';
import { useUi } from '../store';

function shortPath(p: string): string {
  const parts = p.split(/[/\\]/).filter(Boolean);
  return parts.length > 2 ? `…/${parts.slice(-2).join('/')}` : p;
}

function ResultLine({ run, now }: { run: RunSummary; now: number }) {
  const took = run.endedAt ? formatDuration((run.endedAt - run.startedAt) / 1000) : '';
  return (
    <div className="result-line" data-testid="last-result">
      <OutcomeBadge outcome={run.outcome} />
      <span>
        {formatAgo(run.startedAt, now)} · {formatBytes(run.bytes)} · {plural(run.files, 'file')} copied{took ? ` in ${took}` : ''}
      </span>
    </div>
  );
}

function JobCard({ status, live, justFinished }: { status: JobStatus; live: RunProgress | undefined; justFinished: RunSummary | undefined }) {
  const { call, now, scheduler } = useUi();
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
  const failedNow = justFinished && justFinished.outcome !== 'success' ? justFinished : null;
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
            <span key={d.id} className={`chip tone-${tone}`} data-testid="dest-chip" data-tone={tone} title={r?.firstError ?? d.target}>
              <Icon name={d.target.includes(':') && !d.target.startsWith('/') ? 'cloud' : 'folder'} size={13} />
              {d.target}
              <small>{d.kind}</small>
            </span>
          );
        })}
      </div>
      {live ? (
        <RunProgressView p={live} />
      ) : running ? (
        <div className="muted">Starting…</div>
      ) : lastRun ? (
        <ResultLine run={lastRun} now={now} />
      ) : (
        <div className="muted">Never backed up yet.</div>
      )}
      {!running && failedNow?.firstError && (
        <details className="error-box">
          <summary>{failedNow.firstError}</summary>
          <div>Log: {failedNow.logPath}</div>
        </details>
      )}
      <footer className="card-foot">
        <span>
          <Icon name="clock" size={13} /> {status.nextRun ? `Next run ${new Date(status.nextRun).toLocaleString()}` : job.schedule ? `Schedule: ${job.schedule}` : 'Runs when you click Back up now'}
        </span>
      </footer>
    </article>
  );
}

/** The dashboard page. */
export function Dashboard() {
  const { jobs, live, finished, loaded, go } = useUi();
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
        <JobCard key={s.job.id} status={s} live={live[s.job.id]} justFinished={finished[s.job.id]} />
      ))}
    </div>
  );
}

// Encrypts an rclone config file the way a user does it (rclone 1.60 has no non-interactive
// command for this): answers `rclone config`'s menu one prompt at a time.
import { execa } from 'execa';

// Adds `password` to the config file at `configPath` through rclone's own menu.
export async function encryptConfig(configPath: string, password: string): Promise<void> {
  const child = execa('rclone', ['--config', configPath, 'config'], { reject: false, buffer: false, stdin: 'pipe', extendEnv: true, env: { RCLONE_CONFIG_PASS: '' } });
  let text = '';
  const answered = new Set<number>();
  // Each prompt is answered once, in order, when it appears at the end of the output.
  const steps: { prompt: RegExp; answer: string }[] = [
    { prompt: /e\/n\/d\/r\/c\/s\/q> $/, answer: 's' },
    { prompt: /a\/q> $/, answer: 'a' },
    // The bare "password:" prompt, not the "Enter NEW configuration password:" line before it:
    // answering that line early puts both passwords in the pipe before rclone reads the first,
    // and rclone reads each through a fresh buffered reader, which swallows the second (a hang).
    { prompt: /(?:^|\n)password:$/, answer: password },
    { prompt: /(?:^|\n)password:$/, answer: password },
    { prompt: /c\/u\/q> $/, answer: 'q' },
    { prompt: /e\/n\/d\/r\/c\/s\/q> $/, answer: 'q' },
  ];
  let next = 0;
  const onData = (chunk: Buffer): void => {
    text += chunk.toString();
    const step = steps[next];
    if (!step || answered.has(next)) return;
    if (step.prompt.test(text)) {
      answered.add(next);
      next += 1;
      text = '';
      child.stdin?.write(`${step.answer}\n`);
      if (next === steps.length) child.stdin?.end();
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const result = await child;
  if (next !== steps.length) throw new Error(`rclone config menu did not go as expected (exit ${result.exitCode}), stuck at step ${next}`);
}

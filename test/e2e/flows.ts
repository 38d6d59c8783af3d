// The user journeys, written once and driven in Chromium (serve) and in Electron alike.
import { type Page, expect } from '@playwright/test';

/** Creates a copy job through the form, starting from the empty dashboard. */
export async function createCopyJob(page: Page, o: { name: string; source: string; target: string; bwlimit?: string }): Promise<void> {
  await expect(page.getByRole('heading', { name: 'No jobs yet — back up your Music folder' })).toBeVisible();
  await page.getByRole('button', { name: 'Create a backup job' }).click();
  await page.getByTestId('job-name').fill(o.name);
  await page.getByTestId('job-source-0').fill(o.source);
  await page.getByTestId('job-target-0').fill(o.target);
  if (o.bwlimit) {
    await page.getByText('More options').click();
    await page.getByTestId('job-bwlimit').fill(o.bwlimit);
  }
  await page.getByRole('button', { name: 'Create job' }).click();
  await expect(page.getByTestId('job-row').filter({ hasText: o.name })).toBeVisible();
}

/** Clicks Back up now, watches the progress bar move, and waits for the success badge. */
export async function backUpAndWatch(page: Page, jobName: string): Promise<number[]> {
  await page.getByRole('button', { name: 'Dashboard' }).click();
  const card = page.getByTestId('job-card').filter({ hasText: jobName });
  await card.getByRole('button', { name: 'Back up now' }).click();
  await expect(page.getByTestId('header-state')).toContainText(`Backing up ${jobName}`);
  const bar = card.getByRole('progressbar');
  await expect(bar).toBeVisible();
  const seen: number[] = [];
  // The bar must move: wait for two different percentages below 100, read from the DOM.
  await expect
    .poll(async () => {
      const v = Number(await bar.getAttribute('aria-valuenow').catch(() => null));
      if (Number.isFinite(v) && !seen.includes(v)) seen.push(v);
      return seen.filter((x) => x > 0 && x < 100).length;
    }, { timeout: 60_000, intervals: [100] })
    .toBeGreaterThanOrEqual(2);
  await expect(card.getByTestId('last-result')).toContainText('Succeeded', { timeout: 60_000 });
  await expect(page.getByTestId('header-state')).toContainText('All backups OK');
  return seen;
}

import type { JobInfo } from '@sward/sdk';
import cliProgress from 'cli-progress';

/**
 * A progress bar for a running crawl on stderr. The total grows as links are discovered, so the bar
 * shows done (stored + skipped + failed) over everything known so far.
 */
export function crawlProgressBar(
  enabled = process.stderr.isTTY === true || process.env.SWARD_PROGRESS === '1',
) {
  const bar = new cliProgress.SingleBar(
    {
      format:
        'crawl [{bar}] {value}/{total} URLs | stored {stored} skipped {skipped} failed {failed} | {rate} pages/s | documents pending {pending}',
      stream: process.stderr,
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 1000,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let on = false;
  let waitsShown = new Set<string>();
  return {
    update(j: JobInfo) {
      if (!enabled || !j.progress) return;
      const p = j.progress;
      const done = p.stored + p.skipped + p.failed;
      const total = done + p.queued + p.leased;
      const rate = (p.stored / Math.max((Date.now() - started) / 1000, 0.001)).toFixed(1);
      const payload = {
        stored: p.stored,
        skipped: p.skipped,
        failed: p.failed,
        rate,
        pending: p.documentsPending ?? 0,
      };
      if (!on) {
        bar.start(Math.max(total, 1), done, payload);
        on = true;
      } else {
        bar.setTotal(Math.max(total, 1));
        bar.update(done, payload);
      }
    },
    /**
     * What the job waits for (`progress.waitingFor`), one line on stderr per site when its wait begins or
     * changes kind, bar or no bar: a crawl showing `queued 1` for minutes says why (a site's robots.txt).
     */
    waits(j: JobInfo) {
      const now = new Map((j.progress?.waitingFor ?? []).map((w) => [`${w.origin} ${w.reason}`, w.message]));
      for (const [key, message] of now)
        if (!waitsShown.has(key))
          // over the bar's line on a terminal (it draws itself again at its next update)
          process.stderr.write(`${on && process.stderr.isTTY ? '\r\x1b[2K' : ''}${message}\n`);
      waitsShown = new Set(now.keys());
    },
    stop() {
      if (on) bar.stop();
    },
  };
}

import type { JobInfo, SwardClient } from '@sward/sdk';

/**
 * waitForJob with a deadline that fails saying where the job stood (its state and counts), so a crawl that
 * stalls inside a test's set-up is a failure that names its cause, not the test runner's bare file timeout
 * (dataset-report's PostgreSQL world once sat there for 240 s, session 13, and left nothing to go on).
 */
export async function jobDone(client: SwardClient, id: string, deadline: number): Promise<JobInfo> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        void client.job(id).then(
          (j) => reject(new Error(`job ${id} not done by its deadline: ${JSON.stringify(j)}`)),
          (e: unknown) =>
            reject(new Error(`job ${id} not done by its deadline, and unreadable: ${String(e)}`)),
        ),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([client.waitForJob(id, undefined, 100), late]);
  } finally {
    clearTimeout(timer);
  }
}

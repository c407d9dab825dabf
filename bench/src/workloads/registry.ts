import type { Workload } from '../harness/workload.ts';

/** The throughput workloads, in the order the suite runs them. */
export const THROUGHPUT_WORKLOADS = ['orders-book', 'orders-small', 'orders', 'wordcount', 'wordcount-inv', 'grep', 'topk'] as const;

/**
 * Loads a throughput workload's definition by name. `name:N` is the workload with a window of N
 * batches instead of `--window` (the suite runs `wordcount-inv` at two lengths to show that the
 * inverse function makes the cost independent of the window length).
 */
export async function loadWorkload(name: string): Promise<Workload<unknown>> {
  const [base, window] = name.split(':') as [string, string | undefined];
  const workload = await loadBase(base);
  if (window === undefined) return workload;
  return {
    ...workload,
    name,
    prepare: (options, scope) => workload.prepare({ ...options, window: Number(window) }, scope),
  };
}

async function loadBase(name: string): Promise<Workload<unknown>> {
  switch (name) {
    case 'orders-book': return (await import('./orders-book/orders-book-workload.ts')).ordersBookWorkload(false) as Workload<unknown>;
    case 'orders-small': return (await import('./orders-book/orders-book-workload.ts')).ordersBookWorkload(true) as Workload<unknown>;
    case 'orders': return (await import('./orders/orders-workload.ts')).ordersWorkload as Workload<unknown>;
    case 'wordcount': return (await import('./word-count/word-count-workload.ts')).wordCountWorkload(false) as Workload<unknown>;
    case 'wordcount-inv': return (await import('./word-count/word-count-workload.ts')).wordCountWorkload(true) as Workload<unknown>;
    case 'grep': return (await import('./grep/grep-workload.ts')).grepWorkload as Workload<unknown>;
    case 'topk': return (await import('./top-k/top-k-workload.ts')).topKWorkload as Workload<unknown>;
    default: throw new Error(`unknown workload ${JSON.stringify(name)}: use one of ${THROUGHPUT_WORKLOADS.join(', ')}, latency`);
  }
}

import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/**
 * Adds `orderId` to every log line an activity writes (the SDK adds the workflow id, the
 * OpenTelemetry interceptor the trace id). Order workflows are `order-<orderId>`; refund workflows
 * pass the order id (the Vipps reference) as the activity's reference.
 */
export function orderIdInActivityLogs(): ActivityInterceptorsFactory {
  return (ctx) => {
    const workflowId = ctx.info.workflowExecution?.workflowId ?? '';
    let orderId = workflowId.startsWith('order-') ? workflowId.slice('order-'.length) : undefined;
    return {
      inbound: {
        execute(input, next) {
          orderId ??= referenceOf(input.args[0]);
          return next(input);
        },
      },
      outbound: {
        getLogAttributes(input, next) {
          return next(orderId ? { orderId, ...input } : input);
        },
      },
    };
  };
}

function referenceOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const reference = (arg as { reference?: unknown } | null | undefined)?.reference;
  return typeof reference === 'string' ? reference : undefined;
}

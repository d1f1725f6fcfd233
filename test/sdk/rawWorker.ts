/**
 * Plays a worker by hand through the gRPC API, to write a history of an exact shape: the server
 * accepts it, and then the SDK can be asked to replay it. Only for the SDK defect reproduction.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const P = temporal.api;
const NAMESPACE = 'default';
const POLL_DEADLINE_MS = 65_000;

type Task = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;
type ProtocolMessage = temporal.api.protocol.v1.IMessage;

function any(typeName: string, type: { encode(m: object): { finish(): Uint8Array } }, value: object) {
  return { type_url: `type.googleapis.com/${typeName}`, value: type.encode(value).finish() };
}

export class RawWorker {
  constructor(
    private readonly client: Client,
    readonly taskQueue: string,
  ) {}

  async pollWorkflowTask(): Promise<Task> {
    for (;;) {
      const task = await this.client.withDeadline(Date.now() + POLL_DEADLINE_MS, () =>
        this.client.workflowService.pollWorkflowTaskQueue({ namespace: NAMESPACE, taskQueue: { name: this.taskQueue }, identity: 'raw-worker' }),
      );
      if (task.taskToken?.length) return task;
    }
  }

  async completeWorkflowTask(task: Task, steps: { command: object; message?: object }[]): Promise<void> {
    await this.client.workflowService.respondWorkflowTaskCompleted({
      namespace: NAMESPACE,
      taskToken: task.taskToken,
      identity: 'raw-worker',
      commands: steps.map((s) => s.command),
      messages: steps.flatMap((s) => (s.message ? [s.message] : [])),
    });
  }

  async completeActivity(result: string): Promise<void> {
    const task = await this.client.withDeadline(Date.now() + POLL_DEADLINE_MS, () =>
      this.client.workflowService.pollActivityTaskQueue({ namespace: NAMESPACE, taskQueue: { name: this.taskQueue }, identity: 'raw-worker' }),
    );
    await this.client.workflowService.respondActivityTaskCompleted({ namespace: NAMESPACE, taskToken: task.taskToken, identity: 'raw-worker', result: { payloads: [defaultPayloadConverter.toPayload(result)] } });
  }

  /** The update request in a task, by update id. */
  static request(task: Task, updateId: string): ProtocolMessage {
    const found = task.messages?.find((m) => P.update.v1.Request.decode(m.body!.value!).meta?.updateId === updateId);
    if (!found) throw new Error(`no request for update ${updateId} in this task`);
    return found;
  }

  static accept(request: ProtocolMessage): { command: object; message: object } {
    const id = `${request.protocolInstanceId}/accept`;
    return {
      command: { commandType: P.enums.v1.CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE, protocolMessageCommandAttributes: { messageId: id } },
      message: {
        id,
        protocolInstanceId: request.protocolInstanceId,
        body: any('temporal.api.update.v1.Acceptance', P.update.v1.Acceptance, {
          acceptedRequestMessageId: request.id,
          acceptedRequestSequencingEventId: request.eventId,
          acceptedRequest: P.update.v1.Request.decode(request.body!.value!),
        }),
      },
    };
  }

  static complete(request: ProtocolMessage, updateId: string, result: string): { command: object; message: object } {
    const id = `${request.protocolInstanceId}/complete`;
    return {
      command: { commandType: P.enums.v1.CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE, protocolMessageCommandAttributes: { messageId: id } },
      message: {
        id,
        protocolInstanceId: request.protocolInstanceId,
        body: any('temporal.api.update.v1.Response', P.update.v1.Response, {
          meta: { updateId, identity: 'raw-worker' },
          outcome: { success: { payloads: [defaultPayloadConverter.toPayload(result)] } },
        }),
      },
    };
  }

  scheduleActivity(activityId: string, arg: string): { command: object } {
    return {
      command: {
        commandType: P.enums.v1.CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
        scheduleActivityTaskCommandAttributes: {
          activityId,
          activityType: { name: 'work' },
          taskQueue: { name: this.taskQueue },
          input: { payloads: [defaultPayloadConverter.toPayload(arg)] },
          startToCloseTimeout: { seconds: 60 },
        },
      },
    };
  }
}

import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { readEvent, sayBack } from './events';
import { SECRET_PARAMETER, readRegistration, secretMatches } from './registration';

/** The largest event body the trigger takes; FlowIQ's events are a few kilobytes. */
export const MAX_EVENT_BYTES = 1024 * 1024;

/** The size of the request's body in bytes, as announced, or as n8n read it when nothing was announced. */
function bodySize(context: IWebhookFunctions): number {
	const announced = Number(context.getHeaderData()['content-length']);
	if (Number.isFinite(announced) && announced > 0) return announced;
	const raw = (context.getRequestObject() as { rawBody?: { length: number } }).rawBody;
	return raw?.length ?? 0;
}

/**
 * One request to the trigger's URL. Only a request carrying this registration's secret gets
 * further than a 401; each refusal answers at once and starts no execution. A FlowIQ event of a
 * chosen type starts one execution with one item; one of another type is acknowledged (200) so
 * that FlowIQ does not send it again, and starts nothing.
 */
export async function receiveEvent(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const answer = (status: number, body: IDataObject): IWebhookResponseData => {
		this.getResponseObject().status(status).json(body);
		return { noWebhookResponse: true };
	};
	const registration = readRegistration(this.getWorkflowStaticData('node'));
	const given = (this.getQueryData() as IDataObject)[SECRET_PARAMETER];
	if (!registration || !secretMatches(given, registration.secretDigest)) {
		return answer(401, {
			error: 'Unauthorized',
			message: 'This address takes only the FlowIQ events sent to the URL the FlowIQ Trigger registered',
		});
	}
	if (bodySize(this) > MAX_EVENT_BYTES) {
		return answer(413, { error: 'Payload too large', message: 'A FlowIQ event is at most 1 MB' });
	}
	const event = readEvent(this.getBodyData(), registration.types);
	if (event.kind === 'invalid') return answer(400, { error: 'Invalid event', message: event.message });
	if (event.kind === 'ignored') {
		return answer(200, {
			received: true,
			started: false,
			message: `${sayBack(event.eventType, given as string)} is not one of the events this trigger listens for`,
		});
	}
	return { workflowData: [[{ json: event.item }]] };
}

import { decodeQuery } from './codec/query.js';
import { fromJson, toJson } from './codec/json.js';
import { decodeRestXml, encodeRestXml, matchUri, xmlDocument, type RestReply, type RestRequest } from './codec/rest-xml.js';
import { operationModel, type OperationModel } from './codec/schema.js';
import { element, escapeXml, xmlContent } from './codec/xml.js';
import { AwsFault } from './errors.js';
import type { ServiceDef } from './service-def.js';

export interface DecodedCall {
  operation: string;
  model?: OperationModel;
  input: Record<string, unknown>;
}

/** Finds the operation a request names, and decodes its input with the operation's schema. */
export function decodeCall(def: ServiceDef, req: RestRequest, form?: URLSearchParams): DecodedCall {
  switch (def.protocol) {
    case 'query':
    case 'ec2': {
      const params = form ?? new URLSearchParams(req.body.toString('utf8'));
      const operation = params.get('Action') ?? '';
      const model = operationModel(def.sdk, operation);
      if (!model) throw new AwsFault('InvalidAction', `The action ${operation || '(none)'} is not valid for this web service.`, 400);
      return { operation, model, input: decodeQuery(model.input, params, def.protocol === 'ec2') };
    }
    case 'json1.0':
    case 'json1.1': {
      const target = String(req.headers['x-amz-target'] ?? '');
      const [prefix, operation = ''] = target.split('.');
      const model = prefix === def.targetPrefix ? operationModel(def.sdk, operation) : undefined;
      if (!model) throw new AwsFault('UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target)'}`, 400);
      let body: unknown;
      try {
        body = JSON.parse(req.body.toString('utf8') || '{}');
      } catch {
        throw new AwsFault('SerializationException', 'Request body is not valid JSON', 400);
      }
      return { operation, model, input: (fromJson(model.input, body) as Record<string, unknown>) ?? {} };
    }
    case 'rest-xml': {
      const routed = def.route ? def.route(req) : routeByTemplates(def, req);
      if (!routed) throw new AwsFault('NotImplemented', `No operation of ${def.id} answers ${req.method} ${req.path}`, 501);
      const model = operationModel(def.sdk, routed.operation);
      if (!model) throw new AwsFault('NotImplemented', `${def.id}: ${routed.operation} is unknown`, 501);
      return { operation: routed.operation, model, input: decodeRestXml(model, req, routed.labels) };
    }
  }
}

function routeByTemplates(def: ServiceDef, req: RestRequest) {
  for (const operation of Object.keys(def.handlers)) {
    const http = operationModel(def.sdk, operation)?.http;
    if (!http || http[0] !== req.method) continue;
    const labels = matchUri(http[1], req);
    if (labels) return { operation, labels };
  }
  return undefined;
}

const JSON_TYPE = (def: ServiceDef) => `application/x-amz-json-${def.protocol === 'json1.0' ? '1.0' : '1.1'}`;

export function encodeResult(def: ServiceDef, call: DecodedCall, output: unknown, requestId: string): RestReply {
  const model = call.model!;
  const value = (output ?? {}) as Record<string, unknown>;
  const ns = def.xmlNamespace ?? '';
  switch (def.protocol) {
    case 'query': {
      const hasMembers = [...model.output.structIterator()].length > 0;
      const result = hasMembers ? element(`${call.operation}Result`, xmlContent(model.output, value)) : '';
      const meta = element('ResponseMetadata', element('RequestId', requestId));
      return xmlReply(200, xmlDocument(`${call.operation}Response`, result + meta, ns), requestId);
    }
    case 'ec2':
      return xmlReply(200, xmlDocument(`${call.operation}Response`, element('requestId', requestId) + xmlContent(model.output, value), ns), requestId);
    case 'json1.0':
    case 'json1.1':
      return {
        status: 200,
        headers: { 'content-type': JSON_TYPE(def), 'x-amzn-requestid': requestId },
        body: JSON.stringify(toJson(model.output, value) ?? {}),
      };
    case 'rest-xml': {
      const reply = encodeRestXml(model, value, ns);
      return { ...reply, headers: { ...reply.headers, ...requestIdHeaders(def, requestId) } };
    }
  }
}

function requestIdHeaders(def: ServiceDef, requestId: string): Record<string, string> {
  return def.s3 ? { 'x-amz-request-id': requestId, 'x-amz-id-2': Buffer.from(requestId).toString('base64') } : { 'x-amzn-requestid': requestId };
}

const xmlReply = (status: number, body: string, requestId: string): RestReply => ({
  status,
  headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
  body,
});

/** An error in the service's own format; `def` is undefined when the service is not known. */
export function encodeFault(def: ServiceDef | undefined, fault: AwsFault, requestId: string, method: string): RestReply {
  const code = escapeXml(fault.code);
  const message = escapeXml(fault.message);
  const type = fault.sender ? 'Sender' : 'Receiver';
  if (def?.protocol === 'json1.0' || def?.protocol === 'json1.1') {
    const headers: Record<string, string> = { 'content-type': JSON_TYPE(def), 'x-amzn-requestid': requestId, 'x-amzn-errortype': fault.code };
    if (def.queryCompatible) headers['x-amzn-query-error'] = `${fault.code};${type}`;
    return { status: fault.status, headers, body: JSON.stringify({ __type: fault.code, message: fault.message }) };
  }
  if (def?.protocol === 'ec2') {
    const errors = element('Errors', element('Error', element('Code', code) + element('Message', message)));
    return xmlReply(fault.status, xmlDocument('Response', errors + element('RequestID', requestId)), requestId);
  }
  if (def?.s3) {
    const body = method === 'HEAD' ? '' : xmlDocument('Error', element('Code', code) + element('Message', message) + element('RequestId', requestId));
    return { status: fault.status, headers: { 'content-type': 'application/xml', ...requestIdHeaders(def, requestId) }, body };
  }
  const error = element('Error', element('Type', type) + element('Code', code) + element('Message', message));
  return xmlReply(fault.status, xmlDocument('ErrorResponse', error + element('RequestId', requestId), def?.xmlNamespace), requestId);
}

/** The codes each protocol uses for throttling, internal errors and denied permissions. */
export function dialect(def: ServiceDef) {
  if (def.s3) return { throttle: ['SlowDown', 503], internal: ['InternalError', 500], denied: ['AccessDenied', 403] } as const;
  if (def.protocol === 'ec2') return { throttle: ['RequestLimitExceeded', 503], internal: ['InternalError', 500], denied: ['UnauthorizedOperation', 403] } as const;
  if (def.protocol === 'json1.1' || (def.protocol === 'json1.0' && !def.queryCompatible)) {
    return { throttle: ['ThrottlingException', 400], internal: ['InternalFailure', 500], denied: ['AccessDeniedException', 400] } as const;
  }
  return { throttle: ['Throttling', 400], internal: ['InternalFailure', 500], denied: ['AccessDenied', 403] } as const;
}

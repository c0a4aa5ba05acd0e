import type { RestRequest } from './codec/rest-xml.js';
import type { CallContext } from './world.js';

// Handlers declare the SDK's own input and output types; the table is keyed by operation name.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handler = (ctx: CallContext, input: any) => unknown;

export type WireProtocol = 'query' | 'ec2' | 'json1.0' | 'json1.1' | 'rest-xml';

/** One AWS service as the double serves it. */
export interface ServiceDef {
  /** The double's (and the product's) name for the service, used in faults and call logs. */
  id: string;
  /** Service name in the SigV4 credential scope. */
  signingName: string;
  protocol: WireProtocol;
  /** Query services sharing a signing name (ELB classic and v2) are told apart by Version. */
  queryVersion?: string;
  xmlNamespace?: string;
  /** X-Amz-Target prefix of JSON services. */
  targetPrefix?: string;
  /** JSON services that also answer old Query clients send `x-amzn-query-error`. */
  queryCompatible?: boolean;
  /** The client package, whose exported schemas (`<Operation>$`) define the wire shapes. */
  sdk: Record<string, unknown>;
  handlers: Record<string, Handler>;
  /** IAM action checked for an operation (default `<signingName>:<Operation>`). */
  iamAction?(operation: string): string;
  /** REST services whose routing is not just the URI templates (S3). */
  route?(req: RestRequest): { operation: string; labels: Record<string, string> } | undefined;
  /** S3 answers errors as a bare <Error> document. */
  s3?: boolean;
}

/** Typed output helper: the SDK's output type without the client-side `$metadata`. */
export type Out<T> = Omit<T, '$metadata'>;

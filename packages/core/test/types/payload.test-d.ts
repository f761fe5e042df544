// Compile-time tests of the payload types, checked by `pnpm typecheck` (tsc), never run by
// Jest. The types include what real senders were seen to send, so a handler that reads
// them is made to handle it: a type never promises what the wire does not.
import { expectTypeOf } from 'expect-type';
import {
  callsOf,
  errorsOf,
  messageEchoesOf,
  messagesOf,
  statusesOf,
  type Call,
  type MessageEcho,
  type MetaError,
  type VobizEvent,
} from '@vobiz-webhooks/core';

declare const event: VobizEvent;

const message = messagesOf(event)[0]!;
// Unix seconds: documented as a string, seen as a number.
expectTypeOf(message.timestamp).toEqualTypeOf<string | number>();
// A contacts message from some senders has no `type`.
expectTypeOf(message.type).toMatchTypeOf<string | undefined>();
// @ts-expect-error `type` may be missing, so it is not a plain string
expectTypeOf(message.type).toEqualTypeOf<string>();
// Optional fields may be `null` on the wire.
expectTypeOf(message.context).toMatchTypeOf<object | null | undefined>();
expectTypeOf<null>().toMatchTypeOf<typeof message.context>();
// Media may come without an `id` (only a `url`, from relays that download it): every kind of it.
expectTypeOf(message.document!.id).toEqualTypeOf<string | undefined>();
expectTypeOf(message.image!.id).toEqualTypeOf<string | undefined>();
expectTypeOf(message.video!.id).toEqualTypeOf<string | undefined>();
expectTypeOf(message.audio!.id).toEqualTypeOf<string | undefined>();
expectTypeOf(message.sticker!.id).toEqualTypeOf<string | undefined>();
// Location coordinates: numbers, and strings from some SDKs.
expectTypeOf(message.location!.latitude).toEqualTypeOf<number | string>();
// The id that identifies a message stays a string.
expectTypeOf(message.id).toEqualTypeOf<string>();

const status = statusesOf(event)[0]!;
expectTypeOf(status.timestamp).toEqualTypeOf<string | number>();
expectTypeOf(status.conversation!.expiration_timestamp).toEqualTypeOf<string | number | null | undefined>();
// Known status values autocomplete; any other string is accepted.
expectTypeOf<'deleted'>().toMatchTypeOf<typeof status.status>();
expectTypeOf<'some_future_status'>().toMatchTypeOf<typeof status.status>();

const call: Call = callsOf(event)[0]!;
expectTypeOf(call.id).toEqualTypeOf<string | undefined>();
expectTypeOf(call.timestamp).toEqualTypeOf<string | number | null | undefined>();

expectTypeOf(errorsOf(event)).toEqualTypeOf<MetaError[]>();
expectTypeOf(errorsOf(event)[0]!.code).toEqualTypeOf<number | string | null | undefined>();
expectTypeOf(messageEchoesOf(event)).toEqualTypeOf<MessageEcho[]>();
expectTypeOf(messageEchoesOf(event)[0]!.to).toEqualTypeOf<string | null | undefined>();

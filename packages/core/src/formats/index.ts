import type { EventSource } from '../types';
import type { WireFormat } from './format';
import { metaFormat } from './meta';
import { vobizFormat } from './vobiz';
import { vobizLegacyFormat } from './vobiz-legacy';

/** Core's list of formats: adding one is adding it here (docs/architecture.md, "Formats"). */
export const FORMATS: Readonly<Record<EventSource, WireFormat>> = {
  vobiz: vobizFormat,
  'vobiz-legacy': vobizLegacyFormat,
  meta: metaFormat,
};

export type { WireFormat } from './format';

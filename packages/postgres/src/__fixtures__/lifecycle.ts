import { createHash } from 'node:crypto';
import {
  REFERENCE_PIP_ID,
  referenceActors,
  referenceContents,
  referenceDocument,
  runReferenceLifecycle,
} from '@pipkit/core/testing';

// The reference lifecycle lives in @pipkit/core/testing; these names keep the tests short.
export const { manager, hr, employee } = referenceActors;
export const PIP_ID = REFERENCE_PIP_ID;
export const sha = (text: string) => createHash('sha256').update(text).digest('hex');
export const document = referenceDocument;
export const runLifecycle = runReferenceLifecycle;
export const contents = referenceContents;

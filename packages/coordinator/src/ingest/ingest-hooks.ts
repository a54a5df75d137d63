import type { Capture, ReceiptCreatorTerms, UsagePurpose } from '@sward/core';
import type { SqlExecutor } from '../store/sql-driver.js';
import type { LeaseRow } from '../store/types.js';
import type { PageVerdict } from './page-verdict.js';

/**
 * What ingest tells the features above it. Ingest sits below rewards and collections (DESIGN.md: store ◀
 * network ◀ features): it names what it needs here, and the features' classes fit these shapes, so
 * ingest imports no feature and the features import ingest's types, never the other way round.
 */

/** The rewards ledger as ingest uses it: pay an accepted capture, record a spot check's verdict, claw back. */
export interface CaptureLedger {
  recordCapture(
    tx: SqlExecutor,
    c: { captureId: string; nodeId: string; bytes: number; outcome: string },
  ): Promise<unknown>;
  /** recordCapture for a batch of captures, in one statement per table. */
  recordCaptures(
    tx: SqlExecutor,
    list: readonly { captureId: string; nodeId: string; bytes: number; outcome: string }[],
  ): Promise<unknown>;
  recordSpotCheck(s: {
    nodeId: string;
    captureId?: string | null;
    agreed: boolean;
    reason?: string | null;
    credibility?: number;
  }): Promise<unknown>;
  clawbackCapture(captureId: string, reason: string): Promise<unknown>;
  /** Pay-per-crawl: debits `tenant` what a site charged for a capture (micro-USD), inside ingest's transaction. */
  recordCharge(
    tx: SqlExecutor,
    c: { captureId: string; tenant: string; origin: string; micros: number },
  ): Promise<unknown>;
}

/** What ingest knows about one answer to a refresh of a live collection. */
export interface CollectionAnswer {
  collectionId: string;
  lease: LeaseRow;
  captureId: string;
  capture: Capture;
  body: Buffer;
  /** The outcome recorded for the capture: stored, unchanged, skipped, failed or retry. */
  outcome: string;
  reason: string | null;
  detail: string | null;
  verdict: PageVerdict;
}

/** Live collections keep their index in step with what a refresh fetched, inside ingest's transaction. */
export interface CollectionAnswers {
  onAnswer(tx: SqlExecutor, a: CollectionAnswer): Promise<void>;
  onFailure(
    tx: SqlExecutor,
    collectionId: string,
    lease: LeaseRow,
    reason: string,
    message: string,
  ): Promise<void>;
}

/**
 * Creators' terms as ingest uses them: the terms a page lease went out under (its receipt records them), and
 * what happens once the page is answered (a stored page is charged its price and counted for the creator's
 * statement). `answered` returns the micro-USD charged, which counts against the job's budget.
 */
export interface CreatorPageTerms {
  /** The terms in force for a host (the final host of a redirect), or null. */
  forHost(ex: SqlExecutor, host: string): Promise<{ domain: string; version: number } | null>;
  termsOfLease(ex: SqlExecutor, leaseId: string): Promise<ReceiptCreatorTerms | null>;
  /** termsOfLease for a batch's leases, in one statement: leases with no terms are missing from the map. */
  termsOfLeases(ex: SqlExecutor, leaseIds: readonly string[]): Promise<Map<string, ReceiptCreatorTerms>>;
  answered(tx: SqlExecutor, a: CreatorPageAnswer): Promise<number>;
  /** The lease closed without a stored page (a failure, a forged chain): its terms row goes. */
  leaseClosed(tx: SqlExecutor, leaseId: string): Promise<void>;
}

/** A capture's answer under creator terms, as ingest tells the creators' feature of it. */
export interface CreatorPageAnswer {
  leaseId: string;
  captureId: string;
  nodeId: string;
  customer: string;
  purpose: UsagePurpose;
  terms: ReceiptCreatorTerms;
  stored: boolean;
  /** The capture this one replaces in the job (a direct fetch of a URL first stored through a redirect). */
  replaces: string | null;
}

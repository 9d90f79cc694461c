package io.hanfs.app;

import io.hanfs.sbr.Refusal;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/** The HTTP status of each kind of refusal: the one place the routes take it from. */
final class RefusalCodes {
  private RefusalCodes() {}

  static StatusCode http(Refusal.Reason reason) {
    return switch (reason) {
      case UNKNOWN_RESOURCE, UNKNOWN_NODE -> StatusCodes.NOT_FOUND;
      case NOT_A_DATA_NODE, NOT_APPLICABLE, AMBIGUOUS_NAME, BAD_WRITE_ID -> StatusCodes.BAD_REQUEST;
      case STOP_FAILED, BUSY, STALE_EPOCH, STALE_LEADER, EPOCH_NOT_PERSISTED, LEDGER_NOT_WRITTEN, LEASE_NOT_GRANTED, NOT_NOW, NO_LEDGER,
          MAINTENANCE, UNREACHABLE, UNSAFE -> StatusCodes.CONFLICT;
    };
  }
}

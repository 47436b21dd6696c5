//! Websocket close codes the relay sends, so a client can tell why it was
//! disconnected and what to do next. The 1000–1015 range is the standard's;
//! 4000–4999 are Cahier's own.

/// The relay is shutting down; reconnect later (standard code).
pub const GOING_AWAY: u16 = 1001;
/// A frame was not a valid Cahier message, or the version is unknown
/// (standard "protocol error"). Reconnecting with the same client won't help.
pub const PROTOCOL_ERROR: u16 = 1002;
/// A frame was larger than the relay accepts (standard "message too big").
pub const TOO_BIG: u16 = 1009;
/// The relay is at a configured limit (connections, rooms, peers per room);
/// try again later (standard "try again later").
pub const TRY_AGAIN_LATER: u16 = 1013;
/// The peer did not read fast enough: its outbound queue filled up. Nothing
/// was dropped silently: reconnect with `since_seq` to catch up.
pub const LAGGING: u16 = 4001;
/// The peer kept sending over its rate limit after being told to slow down.
pub const RATE_LIMITED: u16 = 4002;
/// The room refused the peer (bad `Hello`: wrong `write_pk`, unknown room).
pub const REFUSED: u16 = 4003;

/// A short English reason for a close code, for logs and the app's messages.
pub fn describe(code: u16) -> &'static str {
    match code {
        GOING_AWAY => "the relay is shutting down",
        PROTOCOL_ERROR => "a message could not be understood",
        TOO_BIG => "a message was too large",
        TRY_AGAIN_LATER => "the relay is full",
        LAGGING => "the connection could not keep up",
        RATE_LIMITED => "too many messages were sent too quickly",
        REFUSED => "the relay refused this document",
        _ => "the connection was closed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_own_reason_and_others_a_plain_one() {
        let codes = [
            GOING_AWAY,
            PROTOCOL_ERROR,
            TOO_BIG,
            TRY_AGAIN_LATER,
            LAGGING,
            RATE_LIMITED,
            REFUSED,
        ];
        let mut reasons: Vec<&str> = codes.iter().map(|c| describe(*c)).collect();
        reasons.push(describe(1000));
        assert_eq!(describe(1000), "the connection was closed");
        assert_eq!(describe(LAGGING), "the connection could not keep up");
        reasons.sort_unstable();
        reasons.dedup();
        assert_eq!(
            reasons.len(),
            codes.len() + 1,
            "no two codes share a reason"
        );
        assert!(reasons.iter().all(|r| r.len() > 10));
    }
}

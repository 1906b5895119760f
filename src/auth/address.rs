//! Who a caller without valid credentials is, for rate limits: its network address.
//! IPv6 clients are keyed by their /64, which one client usually holds whole (a key per
//! address would let one client rotate through billions of them).

use std::net::IpAddr;

/// The limiter key of a caller without valid credentials.
pub fn address_key(address: Option<IpAddr>) -> String {
    match address {
        Some(IpAddr::V4(v4)) => format!("ip:{v4}"),
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("ip:{v4}"),
            None => {
                let [a, b, c, d, ..] = v6.segments();
                format!("ip:{a:x}:{b:x}:{c:x}:{d:x}::/64")
            }
        },
        None => "ip:unknown".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_key_callers_without_credentials() {
        let key = |s: &str| address_key(s.parse().ok());
        assert_eq!(key("203.0.113.7"), "ip:203.0.113.7");
        assert_eq!(key("::ffff:203.0.113.7"), "ip:203.0.113.7");
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "ip:2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:bbbb::9"), key("2001:db8:1:2:aaaa::1"));
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
        assert_eq!(address_key(None), "ip:unknown");
        // Never a principal's id: those are 32 hex digits (Principal::id).
        assert!(key("198.51.100.1").starts_with("ip:"));
    }
}

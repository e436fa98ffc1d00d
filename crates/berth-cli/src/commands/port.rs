//! `port SERVICE PRIVATE_PORT`: the public address of a port binding (compose's
//! cmd/compose/port.go).

use clap::Args;

use crate::cli::{parse_go_int, GlobalFlags};
use crate::commands::common::{self, block_on, CmdResult};
use crate::commands::one_container::{at_least, failed, project_name};
use crate::output;
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct PortArgs {
    /// Index of the container if service has multiple replicas
    #[arg(long = "index", value_name = "int", default_value_t = 0, allow_negative_numbers = true, value_parser = parse_go_int)]
    pub index: i64,
    /// tcp or udp
    #[arg(long = "protocol", value_name = "string", default_value = "tcp")]
    pub protocol: String,
    #[arg(value_name = "SERVICE PRIVATE_PORT")]
    pub args: Vec<String>,
}

pub fn run(global: &GlobalFlags, args: &PortArgs, settings: &Settings) -> u8 {
    block_on(run_async(global, args, settings))
}

async fn run_async(global: &GlobalFlags, args: &PortArgs, settings: &Settings) -> CmdResult {
    at_least(2, args.args.len())?;
    let port = parse_port(&args.args[1]).map_err(|m| common::error(&m))?;
    let name = project_name(global, settings)?;
    let engine = common::connect(global, settings).await?;
    let protocol = args.protocol.to_lowercase();
    let (ip, public) =
        berth_ops::port::port(&engine, &name, &args.args[0], port, &protocol, args.index)
            .await
            .map_err(failed)?;
    output::data(&format!("{ip}:{public}\n"));
    Ok(0)
}

/// Go's `strconv.ParseUint(s, 10, 16)`, with its wording.
fn parse_port(s: &str) -> Result<u16, String> {
    let digits = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits {
        return Err(format!("strconv.ParseUint: parsing {s:?}: invalid syntax"));
    }
    s.parse::<u16>()
        .map_err(|_| format!("strconv.ParseUint: parsing {s:?}: value out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_parse_as_go_parses_them() {
        assert_eq!(parse_port("80"), Ok(80));
        assert_eq!(
            parse_port("abc").unwrap_err(),
            "strconv.ParseUint: parsing \"abc\": invalid syntax"
        );
        assert_eq!(
            parse_port("70000").unwrap_err(),
            "strconv.ParseUint: parsing \"70000\": value out of range"
        );
        assert_eq!(
            parse_port("-1").unwrap_err(),
            "strconv.ParseUint: parsing \"-1\": invalid syntax"
        );
    }
}

//! Where the server listens: a bound TCP socket serving plain HTTP or HTTPS ([`Bound`]), and the
//! connection's peer address as handlers see it whichever it is ([`Peer`], axum's connect info).

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::IncomingStream;
use tokio::net::TcpListener;

use crate::TlsConfig;

/// A bound TCP listener, serving plain HTTP or, with a [`TlsConfig`], HTTPS (and so WSS for the push and
/// SIP WebSockets on the same port). A `TcpListener` converts into the plain kind.
pub struct Bound {
    pub(crate) tcp: TcpListener,
    pub(crate) tls: Option<TlsConfig>,
}

impl Bound {
    /// HTTPS on `tcp` with `tls`.
    pub fn tls(tcp: TcpListener, tls: TlsConfig) -> Self {
        Bound {
            tcp,
            tls: Some(tls),
        }
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.tcp.local_addr()
    }
}

impl From<TcpListener> for Bound {
    fn from(tcp: TcpListener) -> Self {
        Bound { tcp, tls: None }
    }
}

/// How long a TLS handshake may take before the connection is dropped (a client that opens a socket and
/// says nothing holds no slot for longer).
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The HTTPS listener: TLS handshakes run concurrently, each for at most [`HANDSHAKE_TIMEOUT`].
pub(crate) type Https = tls_listener::TlsListener<TcpListener, tokio_rustls::TlsAcceptor>;

/// HTTPS on `tcp` with `tls`.
pub(crate) fn https(tcp: TcpListener, tls: &TlsConfig) -> Https {
    tls_listener::builder(tokio_rustls::TlsAcceptor::from(tls.server.clone()))
        .handshake_timeout(HANDSHAKE_TIMEOUT)
        .listen(tcp)
}

/// The address of the client on the other end of a request's connection (`ConnectInfo<Peer>`), over HTTP
/// or HTTPS alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer(pub SocketAddr);

impl Connected<IncomingStream<'_, TcpListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, TcpListener>) -> Self {
        Peer(*stream.remote_addr())
    }
}

impl Connected<IncomingStream<'_, Https>> for Peer {
    fn connect_info(stream: IncomingStream<'_, Https>) -> Self {
        Peer(*stream.remote_addr())
    }
}

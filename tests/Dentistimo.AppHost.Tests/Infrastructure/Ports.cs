using System.Net;
using System.Net.Sockets;

namespace Dentistimo.AppHost.Tests.Infrastructure;

public static class Ports
{
    /// <summary>Whether nothing listens on <paramref name="port"/> of 127.0.0.1 right now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

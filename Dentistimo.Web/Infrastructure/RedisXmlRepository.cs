using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using StackExchange.Redis;

namespace Dentistimo.Web.Infrastructure;

/// <summary>
/// Data Protection keys in one Redis list, so every web replica can read the antiforgery tokens and cookies the others
/// wrote. (Microsoft's Redis key store needs StackExchange.Redis 2, which our package source lacks; this is all it does.)
/// </summary>
internal sealed class RedisXmlRepository(ConnectionMultiplexer redis, string key) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() =>
        redis.GetDatabase().ListRange(key).Select(element => XElement.Parse((string)element!)).ToList();

    public void StoreElement(XElement element, string friendlyName) =>
        redis.GetDatabase().ListRightPush(key, element.ToString(SaveOptions.DisableFormatting));
}

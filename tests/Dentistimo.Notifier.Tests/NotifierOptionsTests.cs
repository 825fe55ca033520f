using System.ComponentModel.DataAnnotations;
using Dentistimo.Notifier.Email;
using Dentistimo.Notifier.IntegrationEvents;

namespace Dentistimo.Notifier.Tests;

public sealed class NotifierOptionsTests
{
    [Fact]
    public void The_default_retries_end_within_RabbitMQs_consumer_timeout()
    {
        var defaults = new DeliveryOptions();

        Assert.Empty(Problems(defaults));
        Assert.InRange(defaults.LongestRetrySpan(), TimeSpan.FromMinutes(20), DeliveryOptions.RabbitMqConsumerTimeout);
    }

    [Theory]
    [InlineData(30, "00:05:00")] // minutes apart
    [InlineData(90, "00:00:00")] // no waits, but every attempt at its deadline
    public void Retries_that_could_outlast_RabbitMQs_consumer_timeout_are_refused_naming_the_retry_limit(int retryLimit, string maxRetryInterval)
    {
        var options = new DeliveryOptions { RetryLimit = retryLimit, MaxRetryInterval = TimeSpan.Parse(maxRetryInterval), MinRetryInterval = TimeSpan.Zero };

        var problem = Assert.Single(Problems(options));

        Assert.Equal([nameof(DeliveryOptions.RetryLimit)], problem.MemberNames);
        Assert.Contains("consumer timeout", problem.ErrorMessage);
    }

    [Fact]
    public void Prefetching_more_than_is_processed_at_once_is_refused()
    {
        var problem = Assert.Single(Problems(new DeliveryOptions { PrefetchCount = 33, ConcurrentMessageLimit = 32 }));

        Assert.Equal([nameof(DeliveryOptions.PrefetchCount)], problem.MemberNames);
    }

    [Theory]
    [InlineData("https://dentistimo.com", true)]
    [InlineData("http://localhost:5080/app/", true)]
    [InlineData("/book", false)]
    [InlineData("ftp://dentistimo.com", false)]
    [InlineData("https://dentistimo.com/?campaign=1", false)]
    public void Links_start_at_an_absolute_http_or_https_address(string publicBaseUrl, bool accepted)
    {
        var problems = Problems(new EmailOptions { PublicBaseUrl = new Uri(publicBaseUrl, UriKind.RelativeOrAbsolute) });

        Assert.Equal(accepted, problems.Count == 0);
    }

    [Theory]
    [InlineData("bookings@dentistimo.com", true)]
    [InlineData("bookings", false)]
    [InlineData("bookings@", false)]
    [InlineData("", false)]
    public void The_sender_is_an_email_address(string senderAddress, bool accepted)
    {
        var problems = Problems(new EmailOptions { SenderAddress = senderAddress });

        Assert.Equal(accepted, problems.Count == 0);
    }

    private static List<ValidationResult> Problems(object options)
    {
        var problems = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true);
        return problems;
    }
}

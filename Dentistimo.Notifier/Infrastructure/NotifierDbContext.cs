using Microsoft.EntityFrameworkCore;

namespace Dentistimo.Notifier.Infrastructure;

public sealed class NotifierDbContext(DbContextOptions<NotifierDbContext> options) : DbContext(options)
{
    public DbSet<SentEmail> SentEmails => Set<SentEmail>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<SentEmail>(email =>
        {
            email.ToTable("sent_emails");
            email.HasKey(e => e.MessageId);
            email.Property(e => e.MessageId).HasColumnName("message_id");
            email.Property(e => e.RequestId).HasColumnName("request_id");
            email.Property(e => e.Kind).HasColumnName("kind");
            email.Property(e => e.SentAt).HasColumnName("sent_at");
            email.HasIndex(e => new { e.RequestId, e.Kind }).IsUnique().HasDatabaseName("sent_emails_one_per_request_and_kind");
        });
    }
}

/// <summary>
/// One row per email accepted by SMTP, unique by the event's message id and by (request id, kind),
/// so neither a redelivered event nor the same decision under another message id sends a second email.
/// </summary>
public sealed class SentEmail
{
    public Guid MessageId { get; set; }

    /// <summary>
    /// The email's <see cref="Email.EmailIdentity.Id"/>: the booking request's id for its confirmation, rejection or
    /// cancellation, the move's or reminder's own id for those, which a booking can have several of.
    /// </summary>
    public Guid RequestId { get; set; }
    public required string Kind { get; set; }
    public DateTimeOffset SentAt { get; set; }
}

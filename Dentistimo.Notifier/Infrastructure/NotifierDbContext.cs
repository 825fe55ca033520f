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
            email.Property(e => e.Kind).HasColumnName("kind");
            email.Property(e => e.SentAt).HasColumnName("sent_at");
        });
    }
}

/// <summary>One row per email accepted by SMTP, keyed by the event's message id, so a redelivered event sends nothing.</summary>
public sealed class SentEmail
{
    public Guid MessageId { get; set; }
    public required string Kind { get; set; }
    public DateTimeOffset SentAt { get; set; }
}

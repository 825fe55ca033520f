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
            email.Property(e => e.BookingId).HasColumnName("booking_id");
            email.Property(e => e.CalendarSequence).HasColumnName("calendar_sequence");
            email.HasIndex(e => new { e.RequestId, e.Kind }).IsUnique().HasDatabaseName("sent_emails_one_per_request_and_kind");
            email.HasIndex(e => e.BookingId).HasFilter("booking_id IS NOT NULL").HasDatabaseName("sent_emails_by_booking");
        });
    }
}

public sealed class SentEmail
{
    public Guid MessageId { get; set; }

    /// <summary>The email's <see cref="Email.EmailIdentity.Id"/>: for a move or reminder, its own id.</summary>
    public Guid RequestId { get; set; }
    public required string Kind { get; set; }
    public DateTimeOffset SentAt { get; set; }

    /// <summary>With <see cref="CalendarSequence"/>, the email's <see cref="Email.BookingEmailOrder"/>; null for a rejection.</summary>
    public Guid? BookingId { get; set; }
    public int? CalendarSequence { get; set; }
}

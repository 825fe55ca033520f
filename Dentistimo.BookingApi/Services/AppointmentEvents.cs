using Dentistimo.BookingApi.Infrastructure;
using Dentistimo.BookingApi.Model;
using Dentistimo.BookingApi.Model.Scheduling;
using Dentistimo.Contracts;
using Dentistimo.Contracts.IntegrationEvents;

namespace Dentistimo.BookingApi.Services;

public static class AppointmentEvents
{
    public static AppointmentDetails Details(ClinicEntry clinic, DateTimeOffset startUtc) => new(
        clinic.Clinic.Id, clinic.Clinic.Name, clinic.Clinic.Address, clinic.Clinic.Latitude, clinic.Clinic.Longitude,
        startUtc, startUtc + Slot.Length, clinic.Clinic.Phone);

    public static OutboxMessage AvailabilityChanged(SlotSeats seats) => OutboxMessage.For(new SlotAvailabilityChanged(
        seats.ClinicId, ClinicTime.LocalDate(seats.StartUtc), seats.StartUtc, seats.Capacity, seats.Booked));

    // For a decision or a change to write, which counts the slot's seats and writes them in (with_seats in seats.sql).
    public static OutboxMessage AvailabilityChanged(int clinicId, DateTimeOffset startUtc) =>
        AvailabilityChanged(new SlotSeats(clinicId, startUtc, Capacity: 0, Booked: 0));

    public static SealedRecipient Recipient(RecipientSeal seal, BookingRecord booking) =>
        seal.Seal(new BookingRecipient(booking.Patient.Name, booking.Patient.Email, booking.Language), booking.RequestId);
}

namespace Dentistimo.Web.Localization;

/// <summary>The Swedish for each English text of the site. A text missing here shows in English rather than failing.</summary>
public static class SwedishTexts
{
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>
    {
        // Layout and errors
        ["Skip to content"] = "Hoppa till innehållet",
        ["Dental appointments in Gothenburg"] = "Tandläkartider i Göteborg",
        ["Language"] = "Språk",
        ["Gothenburg"] = "Göteborg",
        ["Back to the clinics"] = "Tillbaka till klinikerna",
        ["Page not found"] = "Sidan finns inte",
        ["We could not find that page."] = "Vi kunde inte hitta den sidan.",
        ["The booking service is unavailable"] = "Bokningstjänsten svarar inte",
        ["We cannot reach the booking service right now. Nothing has been booked or changed. Please try again in a minute."] =
            "Vi når inte bokningstjänsten just nu. Ingenting har bokats eller ändrats. Försök igen om en stund.",
        ["We cannot reach the booking service right now. Please try again in a minute."] =
            "Vi når inte bokningstjänsten just nu. Försök igen om en stund.",
        ["Something went wrong"] = "Något gick fel",
        ["That cannot be done here"] = "Det går inte att göra här",
        ["This page cannot be used that way."] = "Sidan kan inte användas på det sättet.",
        ["The form is too large"] = "Formuläret är för stort",
        ["What was sent is more than a booking form holds. Please check what you entered and try again."] =
            "Det som skickades är mer än ett bokningsformulär rymmer. Kontrollera det du skrev och försök igen.",
        ["Please try again in a minute."] = "Försök igen om en stund.",

        // Home
        ["Find a clinic"] = "Hitta en klinik",
        ["Book a dentist in Gothenburg"] = "Boka tandläkare i Göteborg",
        ["Choose a clinic and a date first, then choose a time."] = "Välj först en klinik och ett datum, sedan en tid.",
        ["There is no such clinic. Choose one on the map or in the list."] = "Det finns ingen sådan klinik. Välj en på kartan eller i listan.",
        ["The date in that link is not a date in the calendar. Choose a date below."] = "Datumet i länken finns inte i kalendern. Välj ett datum nedan.",
        ["That day has passed. Choose a date from today on."] = "Den dagen har redan varit. Välj ett datum från och med i dag.",
        ["We book at most {0} days ahead. Choose an earlier date."] = "Vi bokar högst {0} dagar framåt. Välj ett tidigare datum.",
        ["That day is too far ahead to book yet. Choose an earlier date."] = "Den dagen går inte att boka än. Välj ett tidigare datum.",
        ["We cannot reach the booking service right now. Please try again in a minute."] = "Vi når inte bokningstjänsten just nu. Försök igen om en stund.",
        ["Map of the clinics"] = "Karta över klinikerna",
        ["The map could not be loaded. Choose a clinic from the list instead."] = "Kartan kunde inte laddas. Välj en klinik i listan i stället.",
        ["Choose {0}"] = "Välj {0}",
        ["Zoom in"] = "Zooma in",
        ["Zoom out"] = "Zooma ut",
        ["The map needs JavaScript. Choose a clinic from the list."] = "Kartan behöver JavaScript. Välj en klinik i listan.",
        ["Choose a clinic"] = "Välj klinik",
        ["Clinic overview"] = "Om kliniken",
        ["Choose a clinic on the map or in the list to see its opening hours and free times."] =
            "Välj en klinik på kartan eller i listan för att se öppettider och lediga tider.",
        ["{0} dentist"] = "{0} tandläkare",
        ["{0} dentists"] = "{0} tandläkare",
        ["Opening hours"] = "Öppettider",
        ["Closed"] = "Stängt",
        ["Choose a date to see how many times are free."] = "Välj ett datum för att se hur många tider som är lediga.",
        ["{0} free times on {1}."] = "{0} lediga tider {1}.",
        ["1 free time on {0}."] = "1 ledig tid {0}.",
        ["The clinic is closed on {0}."] = "Kliniken är stängd {0}.",
        ["No free times on {0}."] = "Inga lediga tider {0}.",
        ["No times are left on {0}."] = "Inga tider finns kvar {0}.",
        ["No times left"] = "Inga tider kvar",
        ["Full"] = "Fullt",
        ["1 free"] = "1 ledig",
        ["{0} free"] = "{0} lediga",
        ["Choose a date"] = "Välj datum",
        ["Days on which the clinic is closed or fully booked are marked and cannot be chosen."] =
            "Dagar då kliniken är stängd eller fullbokad är markerade och går inte att välja.",
        ["Free times"] = "Lediga tider",
        ["Fully booked"] = "Fullbokat",
        ["Show the clinic's free days"] = "Visa klinikens lediga dagar",
        ["Choose a time"] = "Välj tid",
        ["Choose a clinic and a date first."] = "Välj först en klinik och ett datum.",
        ["Next: choose a time at {0} on {1}."] = "Nästa steg: välj en tid hos {0} {1}.",
        ["{1} has no free times on {0}. Choose another date."] = "{1} har inga lediga tider {0}. Välj ett annat datum.",

        // Booking page
        ["Book a time at {0}"] = "Boka en tid hos {0}",
        ["Change clinic or date"] = "Byt klinik eller datum",
        ["We could not book {0}"] = "Vi kunde inte boka {0}",
        ["Other free times that day: {0}. Choose one below."] = "Andra lediga tider samma dag: {0}. Välj en nedan.",
        ["There are no other free times that day."] = "Det finns inga andra lediga tider den dagen.",
        ["No times are free this day."] = "Inga tider är lediga den här dagen.",
        ["No times are left today."] = "Inga tider finns kvar i dag.",
        ["Choose another date"] = "Välj ett annat datum",
        ["What the colours and shapes mean"] = "Vad färgerna och formerna betyder",
        ["Free"] = "Ledig",
        ["Few left"] = "Få kvar",
        ["Unavailable"] = "Ej bokbar",
        ["{0} of {1} free"] = "Lediga: {0} av {1}",
        ["Only {0} left"] = "Bara {0} kvar",
        ["{0} is now: {1}"] = "{0} är nu: {1}",
        ["Someone else has just booked the time you chose. Please choose another time."] =
            "Någon annan har just bokat tiden du valde. Välj en annan tid.",
        ["The time you chose can no longer be booked. Please choose another time."] =
            "Tiden du valde går inte längre att boka. Välj en annan tid.",
        ["The times shown may be out of date. Reload the page to update them."] =
            "Tiderna som visas kan vara inaktuella. Ladda om sidan för att uppdatera dem.",
        ["The connection was lost, so the times shown may be out of date. Reconnecting…"] =
            "Anslutningen bröts, så tiderna som visas kan vara inaktuella. Ansluter igen …",
        ["Choose a free time."] = "Välj en ledig tid.",
        ["Your details"] = "Dina uppgifter",
        ["Name"] = "Namn",
        ["Email"] = "E-post",
        ["We send the confirmation here."] = "Hit skickar vi bekräftelsen.",
        ["Phone (optional)"] = "Telefon (frivilligt)",
        ["I agree that Dentistimo stores my name, email and phone number to handle this booking."] =
            "Jag godkänner att Dentistimo sparar mitt namn, min e-postadress och mitt telefonnummer för att hantera bokningen.",
        ["Booking…"] = "Bokar…",
        ["Book this time"] = "Boka tiden",
        ["Enter your name."] = "Skriv ditt namn.",
        ["Use at most 100 characters."] = "Använd högst 100 tecken.",
        ["Use letters, spaces, hyphens, apostrophes and full stops."] = "Använd bokstäver, mellanslag, bindestreck, apostrofer och punkter.",
        ["Enter your email address."] = "Skriv din e-postadress.",
        ["Use at most 254 characters."] = "Använd högst 254 tecken.",
        ["Use at most 40 characters."] = "Använd högst 40 tecken.",
        ["Enter an email address such as name@example.com."] = "Skriv en e-postadress, till exempel namn@exempel.se.",
        ["Enter a phone number of 6 to 15 digits, such as +46 31 123 45 67, or leave it empty."] =
            "Skriv ett telefonnummer med 6 till 15 siffror, till exempel +46 31 123 45 67, eller lämna fältet tomt.",
        ["Tick the box to let us store your details for this booking."] = "Kryssa i rutan så att vi får spara dina uppgifter för bokningen.",
        ["We could not reach the booking service, so we do not know whether your time was booked. Please try again: you will not be booked twice."] =
            "Vi nådde inte bokningstjänsten och vet därför inte om tiden blev bokad. Försök igen: du blir inte bokad två gånger.",
        ["Many people are booking right now. Please try again in {0} seconds."] = "Många bokar just nu. Försök igen om {0} sekunder.",
        ["You have sent many booking requests in a short time. Please try again in {0} seconds."] =
            "Du har skickat många bokningsförfrågningar på kort tid. Försök igen om {0} sekunder.",
        ["Something went wrong with this form. Please try again."] = "Något gick fel med formuläret. Försök igen.",
        ["Nothing was booked yet: please check your choice and send the form again."] = "Inget har bokats än: kontrollera ditt val och skicka formuläret igen.",

        // Answers
        ["{0}, {1}–{2}"] = "{0} kl. {1}–{2}",
        ["Your booking is confirmed"] = "Din bokning är bekräftad",
        ["We could not book this time"] = "Vi kunde inte boka den här tiden",
        ["Reference"] = "Bokningsnummer",
        ["Clinic"] = "Klinik",
        ["Address"] = "Adress",
        ["Time"] = "Tid",
        ["A confirmation email is on its way to you. Please give the reference if you contact the clinic."] =
            "En bekräftelse är på väg till din e-post. Uppge bokningsnumret om du kontaktar kliniken.",
        ["Book another time"] = "Boka en ny tid",
        ["Other free times that day"] = "Andra lediga tider samma dag",
        ["Choose another time"] = "Välj en annan tid",
        ["Every dentist is already booked at that time."] = "Alla tandläkare är redan bokade på den tiden.",
        ["The clinic has no appointment at that time."] = "Kliniken har ingen tid att boka just då.",
        ["That time has passed or is too far ahead to book."] = "Tiden har passerat eller ligger för långt fram för att bokas.",
        ["We have sent the details to the email address you gave."] = "Vi har skickat mer information till e-postadressen du angav.",
        ["The booking could not be made."] = "Bokningen kunde inte göras.",
        ["The clinic is closed on this public holiday."] = "Kliniken är stängd den här helgdagen.",
        ["The clinic is closed on this day."] = "Kliniken är stängd den här dagen.",
        ["The clinic is not open on this weekday."] = "Kliniken har inte öppet den här veckodagen.",

        // Changing an appointment
        ["Change or cancel this appointment"] = "Ändra eller avboka tiden",
        ["This appointment is cancelled"] = "Tiden är avbokad",
        ["This appointment is cancelled."] = "Tiden är avbokad.",
        ["Book a new time"] = "Boka en ny tid",
        ["Book a new time at {0}"] = "Boka en ny tid hos {0}",
        ["Your appointment"] = "Din tid",
        ["Your appointment is cancelled"] = "Din tid är avbokad",
        ["Your appointment is moved to {0}"] = "Din tid är flyttad till {0}",
        ["We send you an email with the new time."] = "Vi skickar ett mejl med den nya tiden.",
        ["Status"] = "Status",
        ["Cancelled"] = "Avbokad",
        ["Confirmed"] = "Bekräftad",
        ["Not confirmed"] = "Inte bekräftad",
        ["This booking was never confirmed, so there is nothing to change."] = "Bokningen bekräftades aldrig, så det finns inget att ändra.",
        ["This appointment can no longer be changed online. To change or cancel it, please call the clinic."] =
            "Tiden kan inte längre ändras på webben. Ring kliniken för att ändra eller avboka den.",
        ["This appointment can no longer be changed online. To change or cancel it, please call the clinic on {0}."] =
            "Tiden kan inte längre ändras på webben. Ring kliniken på {0} för att ändra eller avboka den.",
        ["You can cancel or move this appointment online until {0}."] = "Du kan avboka eller flytta tiden på webben till och med {0}.",
        ["{0} at {1}"] = "{0} kl. {1}",
        ["Cancel this appointment?"] = "Avboka tiden?",
        ["The time goes to someone else. You can book a new one afterwards."] = "Tiden går till någon annan. Du kan boka en ny efteråt.",
        ["Cancel the appointment"] = "Avboka tiden",
        ["Move to another time"] = "Flytta till en annan tid",
        ["Date"] = "Datum",
        ["Show free times"] = "Visa lediga tider",
        ["Choose another date above."] = "Välj ett annat datum ovan.",
        ["Free times on {0}"] = "Lediga tider {0}",
        ["Move"] = "Flytta",
        ["It is too late to change this appointment online. Please call the clinic on {0}."] =
            "Det är för sent att ändra tiden på webben. Ring kliniken på {0}.",
        ["It is too late to change this appointment online. Please call the clinic."] =
            "Det är för sent att ändra tiden på webben. Ring kliniken.",
        ["This appointment is cancelled, so it cannot be moved. Please book a new time."] =
            "Tiden är avbokad och kan inte flyttas. Boka en ny tid.",
        ["That time was just taken; choose another."] = "Den tiden blev just bokad; välj en annan.",
        ["That time starts too soon to be changed online afterwards. Please choose a later time."] =
            "Den tiden börjar för snart för att kunna ändras på webben efteråt. Välj en senare tid.",
        ["Times before {0} are too soon to move to online: you could not change them here afterwards."] =
            "Tider före {0} ligger för nära för att flytta till på webben: du skulle inte kunna ändra dem här efteråt.",
        ["Too soon to move to"] = "För nära för att flytta till",
        ["That time cannot be booked for you. Please choose another time."] = "Den tiden kan inte bokas åt dig. Välj en annan tid.",
        ["The appointment could not be changed. Please try again."] = "Tiden kunde inte ändras. Försök igen.",
        ["Many people are using the booking service right now. Nothing was changed. Please try again in {0} seconds."] =
            "Många använder bokningstjänsten just nu. Ingenting har ändrats. Försök igen om {0} sekunder.",
        ["We could not reach the booking service, so we do not know whether your appointment was changed. Please open the link again in a minute to see."] =
            "Vi nådde inte bokningstjänsten och vet därför inte om tiden ändrades. Öppna länken igen om en stund för att se det.",
        ["You have sent many requests in a short time. Nothing was changed. Please try again in {0} seconds."] =
            "Du har skickat många förfrågningar på kort tid. Ingenting har ändrats. Försök igen om {0} sekunder.",
    };
}

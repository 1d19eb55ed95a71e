// Appended to a copy of qc debug's HTML report by debug-html.test: counts the
// SVG elements the browser built (SVG namespace) and those it laid out with a
// non-empty box, and writes the counts into the DOM for --dump-dom.
(function () {
  var svgs = document.querySelectorAll("svg");
  var inSvgNs = 0, drawn = 0, shapes = 0;
  for (var i = 0; i < svgs.length; ++i) {
    if (svgs[i].namespaceURI === "http://www.w3.org/2000/svg") ++inSvgNs;
    var box = svgs[i].getBoundingClientRect();
    if (box.width > 0 && box.height > 0) ++drawn;
    shapes += svgs[i].querySelectorAll("rect,line,polyline,circle").length;
  }
  var p = document.createElement("p");
  p.id = "probe";
  p.textContent = "probe: svgs=" + svgs.length + " svg-namespace=" + inSvgNs +
                  " drawn=" + drawn + " shapes=" + shapes +
                  " scripts=" + document.scripts.length +
                  " links=" + document.querySelectorAll("link,img,iframe,object,embed").length;
  document.body.appendChild(p);
})();
